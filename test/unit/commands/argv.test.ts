/**
 * argv -> options for every command descriptor with a parse, without AWS: the flags commander
 * hands over, the typed input the command's run gets, and bad input as exit 2 before any call.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { parseArgv } from '../../../src/commands/argv.js';
import { commandNamed } from '../../../src/commands/catalog.js';
import { COMMANDS } from '../../../src/commands/registry.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

const STORE = 'cks-1234567890abcdef0';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const app = {} as App; // define() only keeps it for the action, which parseArgv replaces

const parse = (name: string, argv: string[]) => parseArgv(commandNamed(name)!, argv, app);
function badInputOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(ExitCode.BadInput);
    return (err as KscliError).message;
  }
  throw new Error('no error');
}

describe('argv -> options', () => {
  it('every mutating command has a parse', () => {
    for (const d of COMMANDS.filter((c) => c.mutates !== false && c.name !== 'apply'))
      expect(typeof d.parse, d.name).toBe('function');
  });

  it('schedule-deletion: the window, the evidence flags and the key flags as given', () => {
    const i = parse('schedule-deletion', [STORE, '--window-days', '9', '--key', KEY, '--allow-in-use', '--no-alarm']);
    expect(i).toMatchObject({
      storeId: STORE,
      windowDays: 9,
      allowDisconnected: false,
      evidence: { allowInUse: true, allowUnknownUsage: false, alarm: false },
      flags: { key: [KEY], excludeKey: [] },
    });
    expect(badInputOf(() => parse('schedule-deletion', [STORE, '--window-days', '6']))).toMatch(/window/);
    expect(badInputOf(() => parse('schedule-deletion', ['cks-123']))).toMatch(/cks-/);
    expect(badInputOf(() => parse('schedule-deletion', [STORE, '--bogus']))).toMatch(/unknown option '--bogus'/);
  });

  it('delete-store: window, wait timeout, evidence', () => {
    const i = parse('delete-store', [STORE, '--wait-timeout', '2m', '--exclude-key', KEY]);
    expect(i).toMatchObject({ storeId: STORE, windowDays: 30, waitTimeoutMs: 120_000, flags: { excludeKey: [KEY] } });
  });

  it('cancel-deletion, disconnect-store, alarm, backups', () => {
    expect(parse('cancel-deletion', [STORE, '--enable'])).toMatchObject({ storeId: STORE, enable: true });
    expect(parse('disconnect-store', [STORE, '--force'])).toEqual({
      storeId: STORE,
      waitTimeoutMs: expect.any(Number),
      force: true,
      allowOrphanedMaterial: false,
    });
    expect(parse('alarm', [STORE, '--log-group', 'trail-logs', '--replace'])).toEqual({
      storeId: STORE,
      snsTopicArn: undefined,
      logGroup: 'trail-logs',
      replace: true,
    });
    expect(badInputOf(() => parse('alarm', [STORE, '--sns-topic-arn', 'nope']))).toMatch(/not an SNS topic ARN/);
    expect(parse('backups', [STORE, '--delete'])).toEqual({
      storeId: STORE,
      delete: true,
      force: false,
      regions: undefined,
    });
    expect(parse('backups', [STORE])).toMatchObject({ delete: false });
  });
});
