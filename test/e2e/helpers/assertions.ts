/**
 * Assertions shared by the e2e files. Each failure message carries the whole run (command,
 * exit code, stdout, stderr), so a red test says what the binary actually did.
 */
import { expect } from 'vitest';
import { mutatingOperations, type LoggedRequest } from './request-log.js';
import type { RunResult } from './run.js';

export function expectExit(r: RunResult, code: number): void {
  expect(r.timedOut, `timed out:\n${r.describe()}`).toBe(false);
  expect(r.code, r.describe()).toBe(code);
}

/** A stack frame line as Node prints it ("    at fn (file:line:col)"). */
export const STACK_FRAME = /^\s+at\s/m;

export function expectNoStackTrace(r: RunResult): void {
  expect(STACK_FRAME.test(r.stderr), `stack trace on stderr:\n${r.describe()}`).toBe(false);
  expect(STACK_FRAME.test(r.stdout), `stack trace on stdout:\n${r.describe()}`).toBe(false);
}

/**
 * A clean error: the documented exit code, a first stderr line that names the problem, the fix
 * somewhere in stderr (the line after, usually), no stack trace, and no more than a short message
 * (`maxLines`, default 3: message, hint, commander's "(run with --help for usage)").
 */
export function expectCleanError(
  r: RunResult,
  want: { code: number; problem: RegExp; fix?: RegExp; maxLines?: number },
): void {
  expectExit(r, want.code);
  expectNoStackTrace(r);
  expect(r.stderrLines.length, `expected an error message on stderr:\n${r.describe()}`).toBeGreaterThan(0);
  expect(r.stderrLines[0], `first stderr line should name the problem:\n${r.describe()}`).toMatch(want.problem);
  if (want.fix) expect(r.stderr, `stderr should name the fix:\n${r.describe()}`).toMatch(want.fix);
  expect(r.stderrLines.length, `a short message, not a dump:\n${r.describe()}`).toBeLessThanOrEqual(want.maxLines ?? 3);
}

export function expectNoMutatingRequests(requests: LoggedRequest[], context = ''): void {
  expect(mutatingOperations(requests), `mutating requests reached the sandbox ${context}`).toEqual([]);
}
