/**
 * A closed stdout or stderr (issue 12): `kscli --help | head -1`, a terminal that went away.
 *   - read commands end quietly with exit 0, as git and gh do: no EPIPE stack trace;
 *   - a mutating run whose output goes away while it applies does what one Ctrl-C does: the call
 *     in flight finishes and is journalled, nothing after it starts, exit 130;
 *   - SIGHUP (the terminal closed) during apply: the same.
 * The built binary, with the reading end of its pipes closed by the test (what `head` does when it
 * has read enough), against `kscli sandbox serve`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, startE2E, STACK_FRAME, type E2E } from './helpers/index.js';
import { toProcessEnv } from './helpers/env.js';
import {
  expectOnlyTheCallInFlight,
  firstScheduleHandled,
  HSM_STORE,
  readJournal,
  requestsMissingFromJournal,
  setFaults,
  waitFor,
} from '../reliability/helpers/e2e-world.js';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Spawns kscli; `closeOut` / `closeErr` close the reading end of stdout / stderr at once. */
function spawnKscli(
  t: E2E,
  args: string[],
  opts: { closeOut?: boolean; closeErr?: boolean } = {},
): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, '--endpoint-url', t.sandbox.url, ...args], {
    cwd: ROOT,
    env: toProcessEnv(t.env()),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout!.on('error', () => {});
  child.stderr!.on('error', () => {});
  if (opts.closeOut) child.stdout!.destroy();
  else child.stdout!.resume();
  if (opts.closeErr) child.stderr!.destroy();
  else child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exit };
}

describe('a closed stdout or stderr (issue 12)', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('closed-output', {}, { runner: 'child' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('`kscli --help | head -1` in a shell: exit 0, no EPIPE', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" --help | head -1`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/^Usage: kscli/);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });

  for (const [label, args] of [
    ['--help', ['--help']],
    ['stores', ['stores']],
    ['find-keys (a long table)', ['find-keys', HSM_STORE]],
    ['stores --output json', ['stores', '--output', 'json']],
  ] as const) {
    it(`${label} with stdout closed before it writes: exit 0, nothing on stderr`, { timeout: 60_000 }, async () => {
      const r = await spawnKscli(t, [...args], { closeOut: true }).exit;
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr).not.toMatch(/EPIPE|unexpected error/);
      expect(r.code).toBe(0);
    });
  }

  it('stores with stdout and stderr closed: exit 0', { timeout: 60_000 }, async () => {
    const r = await spawnKscli(t, ['stores'], { closeOut: true, closeErr: true }).exit;
    expect(r.code).toBe(0);
  });

  it(
    'a dry run of delete-store with stdout closed: exit 0 (a read), no stack trace, nothing changed',
    { timeout: 60_000 },
    async () => {
      const before = t.sandbox.requests().length;
      const r = await spawnKscli(t, ['delete-store', HSM_STORE, '--dry-run'], { closeOut: true }).exit;
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.code).toBe(0);
      expect(
        t.sandbox
          .requests()
          .slice(before)
          .filter((q) => q.mutating),
      ).toEqual([]);
    },
  );
});

describe('output gone during a mutating run (issue 12)', () => {
  const DELETE_STORE = ['delete-store', HSM_STORE, '--yes', '--allow-in-use', '--allow-data-loss'];
  async function checkStoppedAfterCallInFlight(t: E2E, r: Exit): Promise<void> {
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expectOnlyTheCallInFlight(t);
  }

  it(
    'a table-mode run piped to `head -1`: the plan hits the closed pipe, the run stops at once (at most the call then in flight), exit 130',
    { timeout: 60_000 },
    async () => {
      const t = await startE2E('closed-output-plan', {}, { runner: 'child' });
      try {
        const r = await spawnKscli(t, [...DELETE_STORE, '--output', 'table'], { closeOut: true }).exit;
        expect(r.stderr).not.toMatch(STACK_FRAME);
        expect(r.code).toBe(130);
        // the EPIPE of the plan's lines arrives a moment after they were written: before the apply
        // (nothing changes) or during its first call (that call finishes and is journalled)
        const mutating = t.sandbox.requests().filter((q) => q.mutating);
        expect(mutating.length).toBeLessThanOrEqual(1);
        expect(requestsMissingFromJournal(t.sandbox.requests(), readJournal(t, HSM_STORE))).toEqual([]);
      } finally {
        await t.stop();
      }
    },
  );

  it(
    'stdout and stderr closed in the middle of the batch: kscli notices at its next write, every call it made is journalled (intent and outcome), exit 130',
    { timeout: 120_000 },
    async () => {
      // a pipe's reader going away is only seen on the next write; kscli writes nothing between two
      // calls of a batch on a pipe, so the rest of the batch may run: what matters is that no call is
      // cut off from its journal line and that the run ends without a stack trace
      const t = await startE2E('closed-output-apply', {}, { runner: 'child' });
      try {
        await setFaults(t, { slowMs: { ScheduleKeyDeletion: 1000 } });
        const { child, exit } = spawnKscli(t, DELETE_STORE);
        await waitFor('the first ScheduleKeyDeletion to be in flight', firstScheduleHandled(t), 30_000, 20);
        child.stdout!.destroy();
        child.stderr!.destroy();
        const r = await exit;
        expect(r.code).toBe(130);
        const journal = readJournal(t, HSM_STORE);
        expect(requestsMissingFromJournal(t.sandbox.requests(), journal)).toEqual([]);
        const intents = journal.filter((l) => l.phase === 'intent' && l.operation === 'ScheduleKeyDeletion');
        const outcomes = journal.filter((l) => l.phase === 'outcome' && l.operation === 'ScheduleKeyDeletion');
        expect(outcomes.map((l) => l.target).sort()).toEqual(intents.map((l) => l.target).sort());
      } finally {
        await t.stop();
      }
    },
  );

  it(
    'SIGHUP (the terminal went away) while a ScheduleKeyDeletion is in flight: the same, exit 130, no stack trace',
    { timeout: 120_000 },
    async () => {
      const t = await startE2E('closed-output-hup', {}, { runner: 'child' });
      try {
        await setFaults(t, { slowMs: { ScheduleKeyDeletion: 2500 } });
        const { child, exit } = spawnKscli(t, DELETE_STORE);
        await waitFor('the first ScheduleKeyDeletion to be in flight', firstScheduleHandled(t), 30_000, 20);
        child.kill('SIGHUP');
        const r = await exit;
        await checkStoppedAfterCallInFlight(t, r);
        expect(r.stderr).toMatch(/interrupted/);
      } finally {
        await t.stop();
      }
    },
  );
});
