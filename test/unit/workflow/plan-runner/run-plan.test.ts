/**
 * The plan-confirm-apply engine as every mutating command uses it (src/workflow/plan-runner/):
 * prompt paths, the non-TTY rule, --dry-run, --expected-account, all-or-nothing, journal, lock,
 * interrupts. Driven through schedule-deletion against the fake account.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorld, runCli } from '../../fakes/harness.js';
import { ScriptedPrompter } from '../../fakes/prompter.js';

function setup(keys = 2, tty = false) {
  const w = makeWorld({ tty });
  const s = w.account.addStore();
  const ks = Array.from({ length: keys }, () => w.account.addKey({ store: s }));
  return { w, s, a: w.account, ks };
}

const journalFile = (home: string, storeId: string) =>
  join(home, '.kscli', 'journal', `111122223333-eu-west-1-${storeId}.jsonl`);
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('confirmation', () => {
  it('typing the store ID applies the plan', async () => {
    const { w, s, a } = setup(2, true);
    w.prompter = new ScriptedPrompter([{ type: s.id }]);
    const r = await runCli(['schedule-deletion', s.id, '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(w.prompter.asked[0]!.expected).toBe(s.id);
    expect(w.prompter.pending()).toEqual([]);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(2);
  });

  it('typing something else cancels: exit 5, nothing changed', async () => {
    const { w, s, a } = setup(2, true);
    w.prompter = new ScriptedPrompter([{ type: 'cks-00000000000000000' }]);
    const r = await runCli(['schedule-deletion', s.id, '--output', 'json'], w);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cancelled/);
    expect(r.json().outcome).toBe('cancelled');
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('Ctrl-C at the prompt: exit 5, never 0, nothing changed', async () => {
    const { w, s, a } = setup(1, true);
    w.prompter = new ScriptedPrompter([{ ctrlC: true }]);
    const r = await runCli(['schedule-deletion', s.id, '--output', 'json'], w);
    expect(r.code).toBe(5);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('--yes never prompts', async () => {
    const { w, s } = setup(1, true);
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(w.prompter.asked).toEqual([]);
  });

  it('without a TTY and without --yes: exit 2 naming --yes, before any mutating call', async () => {
    const { w, s, a } = setup(2, false);
    const r = await runCli(['schedule-deletion', s.id, '--output', 'json'], w);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(a.mutatingCalls()).toEqual([]);
    expect(w.prompter.asked).toEqual([]);
  });

  it('a plan with nothing to do needs no confirmation (exit 0)', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s, state: 'PendingDeletion' });
    const r = await runCli(['schedule-deletion', s.id, '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.json().outcome).toBe('nothing-to-do');
  });
});

describe('the scripted prompter itself', () => {
  it('a prompt that was not scripted fails the test', async () => {
    const { w, s } = setup(1, true);
    await expect(runCli(['schedule-deletion', s.id, '--output', 'json'], w)).rejects.toThrow(/unexpected prompt/);
  });
  it('a scripted prompt never shown fails the test', async () => {
    const { w, s } = setup(1, true);
    w.prompter = new ScriptedPrompter([{ type: s.id }]);
    await expect(runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w)).rejects.toThrow(/never shown/);
  });
});

describe('--dry-run', () => {
  it('prints the plan and makes zero mutating calls (exit 0)', async () => {
    const { w, s, a } = setup(3);
    const r = await runCli(['schedule-deletion', s.id, '--dry-run', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.json().outcome).toBe('dry-run');
    expect(r.json().plan.filter((p: any) => p.status === 'apply')).toHaveLength(3);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('exit 3 when something is blocked, still zero mutating calls', async () => {
    const { w, s, a } = setup(1);
    a.addKey({ store: s, keyManager: 'AWS' });
    const r = await runCli(['schedule-deletion', s.id, '--dry-run', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(a.mutatingCalls()).toEqual([]);
  });
});

describe('all or nothing', () => {
  it('one blocked key: nothing is applied, exit 3, the reason and its override flag are printed', async () => {
    const w = makeWorld();
    const s = w.account.addStore({ connectionState: 'DISCONNECTED' });
    w.account.addKey({ store: s, state: 'Unavailable' });
    w.account.addKey({ store: s, state: 'PendingDeletion' });
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'table'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--allow-disconnected/);
    expect(r.stdout).toMatch(/BLOCKED/);
    expect(w.account.mutatingCalls()).toEqual([]);
  });
});

describe('--expected-account', () => {
  it('a mismatch is exit 3 and nothing happens', async () => {
    const { w, s, a } = setup(1);
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--expected-account', '999988887777'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/999988887777/);
    expect(a.mutatingCalls()).toEqual([]);
  });
  it('a match goes ahead', async () => {
    const { w, s, a } = setup(1);
    const r = await runCli(
      ['schedule-deletion', s.id, '--yes', '--expected-account', '111122223333', '--output', 'json'],
      w,
    );
    expect(r.code).toBe(0);
    expect(a.mutatingCalls()).toHaveLength(1);
  });
  it('a malformed account is bad input', async () => {
    const { w, s } = setup(1);
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--expected-account', '12345'], w);
    expect(r.code).toBe(2);
  });
});

describe('the store must exist', () => {
  it('not found: exit 3 with a sentence naming store, region and account', async () => {
    const w = makeWorld();
    const r = await runCli(['schedule-deletion', 'cks-0123456789abcdef0', '--yes'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cks-0123456789abcdef0 was not found in account 111122223333, region eu-west-1/);
    expect(r.stderr).not.toMatch(/at .*\.ts/);
  });
  it.each(['cks-123', 'CKS-0123456789abcdef', 'cks-0123456789abcdefg', 'key-0123456789abcdef0', ''])(
    'malformed store ID %j: exit 2 before any AWS call',
    async (id) => {
      const w = makeWorld();
      const r = await runCli(['find-keys', id], w);
      expect(r.code).toBe(2);
      expect(w.account.calls).toEqual([]);
    },
  );
});

describe('journal', () => {
  it('writes intent before and outcome after every mutating call, 0600 in a 0700 directory, no credentials', async () => {
    const { w, s, ks } = setup(2);
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json', '--allow-unknown-usage'], w);
    expect(r.code).toBe(0);
    const path = journalFile(w.home, s.id);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(w.home, '.kscli', 'journal')).mode & 0o777).toBe(0o700);
    const run = lines(path).find((l) => l.operation === 'ApplyPlan');
    expect(run).toMatchObject({ target: s.id, params: { key: [], excludeKey: [], windowDays: 30, changes: 2 } });
    const calls = lines(path).filter((l) => l.operation === 'ScheduleKeyDeletion');
    expect(calls.map((c) => [c.target, c.phase, c.outcome])).toEqual([
      [ks[0]!.keyId, 'intent', undefined],
      [ks[0]!.keyId, 'outcome', 'ok'],
      [ks[1]!.keyId, 'intent', undefined],
      [ks[1]!.keyId, 'outcome', 'ok'],
    ]);
    expect(calls[0]).toMatchObject({
      account: '111122223333',
      region: 'eu-west-1',
      callerArn: 'arn:aws:iam::111122223333:role/operator',
      command: 'schedule-deletion',
      params: { KeyId: ks[0]!.keyId, PendingWindowInDays: 30 },
      overrides: ['--allow-unknown-usage'],
    });
    expect(calls[1].result.deletionDate).toMatch(/^\d{4}-/);
    expect(readFileSync(path, 'utf8')).not.toMatch(/secret|AKID|token/i);
  });

  it('records each key the first time it is seen (key-seen), once', async () => {
    const { w, s, ks } = setup(2);
    await runCli(['find-keys', s.id, '--output', 'json'], w);
    await runCli(['find-keys', s.id, '--output', 'json'], w);
    const seen = lines(journalFile(w.home, s.id)).filter((l) => l.type === 'key-seen');
    expect(seen.map((l) => l.keyId).sort()).toEqual(ks.map((k) => k.keyId).sort());
    expect(seen[0].creationDate).toBe('2025-02-01T00:00:00.000Z');
  });

  it('the intent is on disk BEFORE the call is made', async () => {
    const { w, s, a, ks } = setup(1);
    let seenAtCall: any[] = [];
    a.before('ScheduleKeyDeletion', () => {
      seenAtCall = lines(journalFile(w.home, s.id)).filter((l) => l.operation === 'ScheduleKeyDeletion');
    });
    await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(seenAtCall.map((l) => [l.target, l.phase])).toEqual([[ks[0]!.keyId, 'intent']]);
  });

  it('an error outcome is journaled with the error', async () => {
    const { w, s, a } = setup(1);
    const { AwsCallError } = await import('../../../../src/errors.js');
    a.failNext('ScheduleKeyDeletion', new AwsCallError('ScheduleKeyDeletion', 'KMSInternalException', 'boom'));
    await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    const last = lines(journalFile(w.home, s.id)).pop();
    expect(last).toMatchObject({ phase: 'outcome', outcome: 'error', error: 'KMSInternalException: boom' });
  });

  it('--journal overrides the path; an unwritable one is exit 2 before any mutating call', async () => {
    const { w, s, a } = setup(1);
    const custom = join(w.home, 'j', 'mine.jsonl');
    let r = await runCli(['schedule-deletion', s.id, '--yes', '--journal', custom, '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(existsSync(custom)).toBe(true);
    writeFileSync(join(w.home, 'afile'), 'x');
    a.addKey({ store: s });
    r = await runCli(['schedule-deletion', s.id, '--yes', '--journal', join(w.home, 'afile', 'j.jsonl')], w);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write the journal/);
    expect(a.mutatingCalls()).toHaveLength(1); // the first run's only
  });
});

describe('lock', () => {
  const lockFile = (home: string, storeId: string) =>
    join(home, '.kscli', 'locks', `111122223333-eu-west-1-${storeId}.lock`);

  it('a live holder is refused (exit 3, naming its pid) and nothing is changed', async () => {
    const { w, s, a } = setup(1);
    mkdirSync(join(w.home, '.kscli', 'locks'), { recursive: true });
    writeFileSync(
      lockFile(w.home, s.id),
      JSON.stringify({ pid: 777, startedAt: '2026-11-23T11:00:00Z', hostname: 'test-host', command: 'delete-store' }),
    );
    w.system.alive.add(777);
    const r = await runCli(['schedule-deletion', s.id, '--yes'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/pid 777/);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('a dead holder is taken over with a message; the lock is 0600 while held and removed after', async () => {
    const { w, s, a } = setup(1);
    mkdirSync(join(w.home, '.kscli', 'locks'), { recursive: true });
    writeFileSync(
      lockFile(w.home, s.id),
      JSON.stringify({ pid: 778, startedAt: '2026-11-23T11:00:00Z', hostname: 'test-host', command: 'delete-store' }),
    );
    let mode = 0;
    a.before('ScheduleKeyDeletion', () => {
      mode = statSync(lockFile(w.home, s.id)).mode & 0o777;
      expect(JSON.parse(readFileSync(lockFile(w.home, s.id), 'utf8')).pid).toBe(4242);
    });
    const r = await runCli(['schedule-deletion', s.id, '--yes'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/took over the lock of kscli pid 778/);
    expect(mode).toBe(0o600);
    expect(existsSync(lockFile(w.home, s.id))).toBe(false);
    expect(a.mutatingCalls()).toHaveLength(1);
  });
});

describe('interrupt (SIGINT) during apply', () => {
  it('lets the call in flight finish, journals it, stops before the next, exit 130', async () => {
    const { w, s, a, ks } = setup(3);
    a.before('ScheduleKeyDeletion', () => w.system.interrupt());
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(130);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(1);
    const j = lines(journalFile(w.home, s.id)).filter((l) => l.operation === 'ScheduleKeyDeletion');
    expect(j.map((l) => l.phase)).toEqual(['intent', 'outcome']);
    expect(r.json().outcome).toBe('interrupted');
    expect(
      r
        .json()
        .plan.map((p: any) => p.result)
        .filter((x: string) => x === 'not-run'),
    ).toHaveLength(2);
    const run = lines(journalFile(w.home, s.id)).filter((l) => l.operation === 'ApplyPlan');
    expect(run.map((l) => l.phase)).toEqual(['intent', 'outcome']);
    expect(run[1].result).toMatchObject({ done: 1, 'not-run': 2, interrupted: true });
    // the next run picks up
    const again = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(again.code).toBe(0);
    expect(
      a
        .callsOf('ScheduleKeyDeletion')
        .map((c) => c.args[0])
        .sort(),
    ).toEqual(ks.map((k) => k.keyId).sort());
  });
});

describe('interrupt during the last call', () => {
  it('ends the run as done: nothing was left undone', async () => {
    const { w, s, a } = setup(1);
    a.before('ScheduleKeyDeletion', () => w.system.interrupt());
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.json().outcome).toBe('done');
  });
});

describe('plan rendering', () => {
  it('table: one line per key with status, target, action, state and reason; progress never on stdout', async () => {
    const { w, s, a } = setup(1);
    a.addKey({ store: s, state: 'PendingDeletion', aliases: ['alias/old'] });
    const r = await runCli(['schedule-deletion', s.id, '--dry-run', '--output', 'table'], w);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(new RegExp(`^Plan: schedule-deletion ${s.id} .* in account 111122223333, region eu-west-1`));
    expect(out[1]).toMatch(/^STATUS\s+TARGET\s+ACTION\s+STATE\s+REASON$/);
    expect(r.stdout).toMatch(/apply\s+\S+\s+ScheduleKeyDeletion\s+Enabled\s+schedule deletion in 30 days/);
    expect(r.stdout).toMatch(/skip\s+\S+\s+ScheduleKeyDeletion\s+PendingDeletion alias\/old\s+already PendingDeletion/);
    expect(r.stdout).toMatch(/dry run: nothing was changed/);
  });

  it('JSON: one document with schemaVersion, command, storeId, plan[], outcome', async () => {
    const { w, s, ks } = setup(1);
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    const doc = r.json();
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'schemaVersion',
        'command',
        'storeId',
        'plan',
        'outcome',
        'nextRunAfter',
        'warnings',
        'overrides',
      ]),
    );
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'schedule-deletion', storeId: s.id, outcome: 'done' });
    const line = doc.plan.find((p: any) => p.target === ks[0]!.keyId);
    expect(line).toMatchObject({ targetKind: 'key', action: 'ScheduleKeyDeletion', status: 'apply', result: 'done' });
    expect(line.details).toMatchObject({ arn: ks[0]!.arn, state: 'PendingDeletion' });
    expect(line.details.deletionDate).toBe('2026-12-23T12:00:00.000Z');
    expect(line.details.params).toBeUndefined();
    expect(line.checks.map((c: any) => c.name)).toEqual(
      expect.arrayContaining(['key-in-store', 'customer-managed', 'store-connected', 'usage-verdict']),
    );
  });
});
