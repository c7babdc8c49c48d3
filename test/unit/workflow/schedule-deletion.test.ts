import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorld, runCli } from '../fakes/harness.js';
import { stubEvidence } from '../fakes/evidence.js';
import { AwsCallError, ExitCode, KscliError } from '../../../src/errors.js';
import type { StoreInfo } from '../../../src/aws/ports.js';

function world(store: Partial<StoreInfo> = {}) {
  const w = makeWorld();
  const s = w.account.addStore(store);
  return { w, s, a: w.account };
}

describe('schedule-deletion preconditions (one row per state)', () => {
  const rows: Array<{
    name: string;
    store?: Partial<StoreInfo>;
    key: Record<string, unknown>;
    flags?: string[];
    status: 'apply' | 'skip' | 'blocked';
    code: number;
    reason: RegExp;
  }> = [
    {
      name: 'Enabled key, CONNECTED CloudHSM store',
      key: { state: 'Enabled' },
      status: 'apply',
      code: 0,
      reason: /schedule deletion in 30 days/,
    },
    { name: 'Disabled key', key: { state: 'Disabled' }, status: 'apply', code: 0, reason: /schedule/ },
    {
      name: 'already PendingDeletion -> skip with reason',
      key: { state: 'PendingDeletion' },
      status: 'skip',
      code: 0,
      reason: /already PendingDeletion \(deletion on/,
    },
    {
      name: 'AWS-managed key',
      key: { state: 'Enabled', keyManager: 'AWS' },
      status: 'blocked',
      code: 3,
      reason: /AWS-managed/,
    },
    {
      name: 'CloudHSM store DISCONNECTED',
      store: { connectionState: 'DISCONNECTED' },
      key: { state: 'Unavailable' },
      status: 'blocked',
      code: 3,
      reason: /not CONNECTED.*--allow-disconnected/,
    },
    {
      name: 'CloudHSM store FAILED',
      store: { connectionState: 'FAILED', connectionErrorCode: 'NETWORK_ERRORS' },
      key: { state: 'Enabled' },
      status: 'blocked',
      code: 3,
      reason: /FAILED, not CONNECTED/,
    },
    {
      name: 'CloudHSM store DISCONNECTED with --allow-disconnected',
      store: { connectionState: 'DISCONNECTED' },
      key: { state: 'Unavailable' },
      flags: ['--allow-disconnected'],
      status: 'apply',
      code: 0,
      reason: /--allow-disconnected/,
    },
    {
      name: 'external store DISCONNECTED needs no connection',
      store: { type: 'EXTERNAL_KEY_STORE', connectionState: 'DISCONNECTED' },
      key: { state: 'Unavailable' },
      status: 'apply',
      code: 0,
      reason: /schedule/,
    },
    { name: 'Updating key', key: { state: 'Updating' }, status: 'blocked', code: 3, reason: /Updating/ },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { w, s, a } = world(row.store);
      const k = a.addKey({ store: s, ...row.key });
      const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json', ...(row.flags ?? [])], w);
      expect(r.code, r.stderr).toBe(row.code);
      const line = r.json().plan.find((p: any) => p.target === k.keyId);
      expect(line.status).toBe(row.status);
      expect(line.reason).toMatch(row.reason);
      const scheduled = a.callsOf('ScheduleKeyDeletion').length;
      expect(scheduled).toBe(row.status === 'apply' ? 1 : 0);
    });
  }

  it('a --key outside the store is refused and nothing else is scheduled', async () => {
    const { w, s, a } = world();
    const other = a.addStore();
    const mine = a.addKey({ store: s });
    const foreign = a.addKey({ store: other });
    const r = await runCli(
      ['schedule-deletion', s.id, '--key', mine.keyId, '--key', foreign.keyId, '--yes', '--output', 'json'],
      w,
    );
    expect(r.code).toBe(ExitCode.Blocked);
    expect(r.json().plan.find((p: any) => p.target === foreign.keyId).reason).toMatch(/not in store/);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('a --key that does not exist is refused', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    const r = await runCli(
      ['schedule-deletion', s.id, '--key', '99999999-1111-4222-8333-999999999999', '--yes', '--output', 'json'],
      w,
    );
    expect(r.code).toBe(3);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('an alias is resolved to its key ID before ScheduleKeyDeletion (which refuses aliases)', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s, aliases: ['alias/app'] });
    a.addKey({ store: s });
    const r = await runCli(['schedule-deletion', s.id, '--key', 'alias/app', '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([k.keyId]);
  });

  it('--exclude-key leaves a key out; one matching no key blocks (a typo would schedule the key meant to be kept)', async () => {
    const { w, s, a } = world();
    const k1 = a.addKey({ store: s });
    const k2 = a.addKey({ store: s });
    let r = await runCli(['schedule-deletion', s.id, '--exclude-key', k2.keyId, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([k1.keyId]);
    expect(r.json().plan.find((p: any) => p.target === k2.keyId).reason).toMatch(/excluded/);
    r = await runCli(
      ['schedule-deletion', s.id, '--exclude-key', '99999999-1111-4222-8333-999999999999', '--yes', '--output', 'json'],
      w,
    );
    expect(r.code).toBe(3);
  });

  it.each([['0'], ['6'], ['31'], ['-1'], ['abc']])('--window-days %s is exit 2 before any AWS call', async (v) => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    const r = await runCli(['schedule-deletion', s.id, '--window-days', v, '--yes'], w);
    expect(r.code).toBe(2);
    expect(a.calls).toEqual([]);
  });

  it('--window-days 7 is passed to AWS', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    const r = await runCli(['schedule-deletion', s.id, '--window-days', '7', '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion')[0]!.args[1]).toBe(7);
  });

  it('a key ARN of another region is exit 2 before any AWS call; of another account exit 2 before any mutating call', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    let r = await runCli(['schedule-deletion', s.id, '--key', k.arn.replace('eu-west-1', 'us-east-2'), '--yes'], w);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/region us-east-2/);
    expect(a.calls).toEqual([]);
    r = await runCli(['schedule-deletion', s.id, '--key', k.arn.replace('111122223333', '999988887777'), '--yes'], w);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/account 999988887777/);
    expect(a.mutatingCalls()).toEqual([]);
  });

  it('usage verdicts block: in-use unless --allow-in-use, unknown unless --allow-unknown-usage', async () => {
    const { w, s, a } = world();
    const used = a.addKey({ store: s });
    const unknown = a.addKey({ store: s });
    const unused = a.addKey({ store: s });
    w.evidence = stubEvidence({ verdicts: { [used.keyId]: 'in-use', [unknown.keyId]: 'unknown' } });
    let r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(a.mutatingCalls()).toEqual([]);
    expect(r.stderr).toMatch(/--allow-in-use/);
    r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json', '--allow-in-use'], w);
    expect(r.code).toBe(3);
    r = await runCli(
      ['schedule-deletion', s.id, '--yes', '--output', 'json', '--allow-in-use', '--allow-unknown-usage'],
      w,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(3);
    expect(r.json().overrides).toEqual(['--allow-in-use', '--allow-unknown-usage']);
    expect(unused.keyId).toBeTruthy();
  });

  it('evidence is gathered only for keys that would be scheduled', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    a.addKey({ store: s, state: 'PendingDeletion' });
    const ev = stubEvidence();
    w.evidence = ev;
    await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(ev.assessed).toEqual([[k.keyId]]);
  });

  it('the alarm is required unless --no-alarm, which the journal records', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    w.evidence = stubEvidence({ alarmInPlace: false });
    let r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(r.json().plan.find((p: any) => p.targetKind === 'alarm').reason).toMatch(/--no-alarm/);
    r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json', '--no-alarm'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().overrides).toContain('--no-alarm');
    const journal = readFileSync(join(w.home, '.kscli', 'journal', `111122223333-eu-west-1-${s.id}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const calls = journal.filter((l) => l.operation === 'ScheduleKeyDeletion' || l.operation === 'ApplyPlan');
    expect(calls.map((c) => [c.operation, c.phase])).toEqual([
      ['ApplyPlan', 'intent'],
      ['ScheduleKeyDeletion', 'intent'],
      ['ScheduleKeyDeletion', 'outcome'],
      ['ApplyPlan', 'outcome'],
    ]);
    for (const c of calls) expect(c.overrides).toEqual(['--no-alarm']);
  });

  it('warns about Security Hub KMS.3 before scheduling', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    const r = await runCli(['schedule-deletion', s.id, '--dry-run', '--output', 'json'], w);
    expect(r.json().warnings.join(' ')).toMatch(/KMS\.3/);
  });

  it('KMSInvalidStateException "is pending deletion" on the call counts as done', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    a.before('ScheduleKeyDeletion', () => {
      const key = a.keys.get(k.keyId)!;
      key.state = 'PendingDeletion';
      key.deletionDate = new Date('2026-12-01T00:00:00Z');
    });
    // the re-check happens before the hook: the race lands between re-check and call
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    const line = r.json().plan.find((p: any) => p.target === k.keyId);
    expect(line.result).toBe('done');
    // the error cannot tell a colleague from our own retried call whose first answer was lost
    expect(line.note).toMatch(/already PendingDeletion \(possibly by our earlier attempt whose answer was lost/);
    expect(line.note).not.toMatch(/scheduled by someone else/);
  });

  it('an AccessDenied is explained (the pending-window policy condition), exit 4', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    a.failNext(
      'ScheduleKeyDeletion',
      new KscliError(ExitCode.Credentials, 'AccessDeniedException: not authorized to perform kms:ScheduleKeyDeletion'),
    );
    const r = await runCli(['schedule-deletion', s.id, '--window-days', '7', '--yes', '--output', 'json'], w);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/kms:ScheduleKeyDeletionPendingWindowInDays/);
    expect(r.json().outcome).toBe('failed');
  });

  it('another AWS error stops the run (exit 1) and is journaled', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    a.addKey({ store: s });
    a.failNext('ScheduleKeyDeletion', new AwsCallError('ScheduleKeyDeletion', 'KMSInternalException', 'internal'));
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ScheduleKeyDeletion failed: KMSInternalException: internal/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(1);
    expect(r.json().plan.map((p: any) => p.result)).toContain('not-run');
  });
});

describe('schedule-deletion re-check races (the world changed between plan and apply)', () => {
  it('a key scheduled by someone else meanwhile is skipped and said so', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    // the first DescribeKey after the scan is the re-check
    a.before('DescribeKey', () => {
      a.keys.get(k.keyId)!.state = 'PendingDeletion';
      a.keys.get(k.keyId)!.deletionDate = new Date('2026-12-10T00:00:00Z');
    });
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(0);
    expect(r.stderr).toMatch(/changed since the plan: already PendingDeletion/);
  });

  it('a key deleted meanwhile is skipped and said so', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    a.before('DescribeKey', () => void a.keys.delete(k.keyId));
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no longer exists/);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(0);
  });

  it('a store disconnected meanwhile stops the run before the call (exit 3)', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    a.before('DescribeKey', () => a.setConnection(a.stores.get(s.id)!, 'DISCONNECTED'));
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(0);
    expect(r.stderr).toMatch(/DISCONNECTED/);
    expect(k.keyId).toBeTruthy();
  });

  it('a store disconnected between two ScheduleKeyDeletion calls stops the batch: the store is read afresh before every key', async () => {
    const { w, s, a } = world();
    const k1 = a.addKey({ store: s });
    const k2 = a.addKey({ store: s });
    // DescribeKey #1 is k1's re-check, #2 its read-back (the fake clock does not move: a store
    // state cached for seconds would still say CONNECTED), #3 would be k2's re-check
    a.before('DescribeKey', () => {});
    a.before('DescribeKey', () => a.setConnection(a.stores.get(s.id)!, 'DISCONNECTING'));
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(3);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).toEqual([k1.keyId]);
    expect(r.stderr).toMatch(/DISCONNECTING, not CONNECTED.*--allow-disconnected/);
    expect(r.json().plan.find((p: any) => p.target === k2.keyId).result).toBe('blocked');
  });

  it('a key created in the store during the apply is not acted on, and said so (JSON changedSincePlan)', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    a.before('ScheduleKeyDeletion', () => void a.addKey({ store: a.stores.get(s.id)! }));
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(1);
    expect(r.stderr).toMatch(/appeared in the store since the plan/);
    expect(r.json().changedSincePlan.map((d: any) => d.change)).toEqual(['created']);
  });

  it('a deletion cancelled by someone else during the apply is not re-scheduled, and said so', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    const pending = a.addKey({ store: s, state: 'PendingDeletion' });
    a.before('ScheduleKeyDeletion', () => {
      const k = a.keys.get(pending.keyId)!;
      k.state = 'Disabled';
      delete k.deletionDate;
    });
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(a.callsOf('ScheduleKeyDeletion').map((c) => c.args[0])).not.toContain(pending.keyId);
    expect(r.stderr).toMatch(/someone cancelled its deletion since the plan/);
  });

  it('eventual consistency: the effect is read back, retrying while the read is stale', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s });
    a.staleReadsAfterWrite = 2;
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(a.clock.sleeps.length).toBe(2);
  });

  it('an effect never seen is a failure that says to run again; the re-run finds it done', async () => {
    const { w, s, a } = world();
    const k = a.addKey({ store: s });
    a.staleReadsAfterWrite = 100;
    let r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still reads as Enabled/);
    expect(r.stderr).toMatch(/run the same command again/);
    a.settle();
    r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(0);
    expect(r.json().plan.find((p: any) => p.target === k.keyId).status).toBe('skip');
    expect(a.callsOf('ScheduleKeyDeletion')).toHaveLength(1);
  });

  it('nothing to schedule: exit 0 even without the alarm (it matters only when keys would wait for deletion)', async () => {
    const { w, s, a } = world();
    a.addKey({ store: s, state: 'PendingDeletion' });
    w.evidence = stubEvidence({ alarmInPlace: false });
    const r = await runCli(['schedule-deletion', s.id, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('nothing-to-do');
  });
});
