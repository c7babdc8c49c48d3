/**
 * The trial's preconditions (src/workflow/trial/evaluate.ts), one table each: every rule has a
 * row that fails without it.
 */
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../../src/aws/ports.js';
import {
  classifyTrialEvents,
  evaluateDisable,
  evaluateEnable,
  evaluateTrialGate,
  parseTrialTags,
  resolvedByTrial,
  trialPhase,
  trialTags,
  withTrialGate,
  withUseVerdict,
  type TrialReport,
  type UseAssessment,
} from '../../../../src/workflow/trial/index.js';
import type { PlanItem } from '../../../../src/workflow/plan.js';

const NOW = new Date('2026-12-07T00:00:00Z');
const key = (state: KeyInfo['state'], over: Partial<KeyInfo> = {}): KeyInfo =>
  ({
    keyId: 'k1',
    arn: 'arn:aws:kms:us-east-1:111122223333:key/k1',
    state,
    keyManager: 'CUSTOMER',
    customKeyStoreId: 'cks-1234567890abcdef0',
    creationDate: new Date('2026-01-01T00:00:00Z'),
    ...over,
  }) as KeyInfo;
const report = (phase: TrialReport['phase'], failures = 0): TrialReport => ({
  keyId: 'k1',
  start: '2026-11-20T00:00:00.000Z',
  end: '2026-12-04T00:00:00.000Z',
  days: 14,
  phase,
  failures: Array.from({ length: failures }, (_, i) => ({
    time: `2026-11-2${i}T00:00:00.000Z`,
    operation: 'Decrypt',
    principal: 'arn:aws:iam::111122223333:role/app-backend',
    account: '111122223333',
    region: 'us-east-1',
    errorCode: 'DisabledException',
  })),
  ...(phase === 'unknown' ? { gap: 'CloudTrail LookupEvents: AccessDenied' } : {}),
});
const opts = { days: 14, now: NOW, allowDynamoDbArchive: false };

describe('evaluateDisable', () => {
  it.each([
    ['Enabled', undefined, 'apply', /14-day trial/],
    ['Disabled', undefined, 'skip', /Disabled before the trial: not a trial key/],
    ['Disabled', report('running'), 'skip', /in a 14-day trial/],
    ['PendingDeletion', undefined, 'skip', /already PendingDeletion/],
    ['Unavailable', undefined, 'blocked', /connect the store first/],
  ] as const)('%s (trial %o) -> %s', (state, trial, status, reason) => {
    const item = evaluateDisable(key(state), trial, { kind: 'none' }, opts);
    expect(item.status).toBe(status);
    expect(item.reason).toMatch(reason);
  });

  it('blocks an AWS-managed key', () => {
    expect(evaluateDisable(key('Enabled', { keyManager: 'AWS' }), undefined, { kind: 'none' }, opts).status).toBe(
      'blocked',
    );
  });

  it('a trial over 7 days on a key under a DynamoDB table is blocked unless --allow-dynamodb-archive', () => {
    const ddb = { kind: 'tables' as const, names: ['orders'] };
    const blocked = evaluateDisable(key('Enabled'), undefined, ddb, opts);
    expect(blocked.status).toBe('blocked');
    expect(blocked.reason).toMatch(/orders.*archives.*--trial-days 7 or less, or pass --allow-dynamodb-archive/);
    const allowed = evaluateDisable(key('Enabled'), undefined, ddb, { ...opts, allowDynamoDbArchive: true });
    expect(allowed.status).toBe('apply');
    expect(allowed.checks).toContainEqual(expect.objectContaining({ name: 'dynamodb-trial-length', overridden: true }));
    expect(evaluateDisable(key('Enabled'), undefined, ddb, { ...opts, days: 7 }).status).toBe('apply');
    // cannot tell is treated as a table
    expect(evaluateDisable(key('Enabled'), undefined, { kind: 'unknown', why: 'denied' }, opts).status).toBe('blocked');
  });

  it('the plan holds the trial length, not a time (a saved plan must compare equal when applied later)', () => {
    const a = evaluateDisable(key('Enabled'), undefined, { kind: 'none' }, opts);
    expect(a.details?.params).toEqual({
      KeyId: 'k1',
      TrialDays: 14,
      TagKeys: ['kscli:trial-start', 'kscli:trial-end'],
    });
  });
});

describe('withUseVerdict (the in-use gate on a trial)', () => {
  const toDisable = () =>
    evaluateDisable(key('Enabled'), undefined, { kind: 'none' }, { days: 14, now: NOW, allowDynamoDbArchive: false });
  const assessed = (verdict: UseAssessment['verdict']): UseAssessment => ({
    verdict,
    check: { name: 'usage-verdict', ok: verdict === 'unused', detail: 'GetKeyLastUsage: Decrypt on 2026-12-04' },
    callers: ['arn:aws:iam::111122223333:role/app-backend'],
  });
  it('a key in use is blocked, naming its callers and the override', () => {
    const it2 = withUseVerdict(toDisable(), assessed('in-use'), false);
    expect(it2.status).toBe('blocked');
    expect(it2.reason).toMatch(/^in-use: GetKeyLastUsage: Decrypt on 2026-12-04; .*role\/app-backend will fail/);
    expect(it2.reason).toMatch(/override: --allow-in-use/);
    expect(it2.checks.at(-1)).toMatchObject({ name: 'usage-verdict', ok: false, overrideFlag: '--allow-in-use' });
    expect(it2.details).toMatchObject({ verdict: 'in-use', callers: ['arn:aws:iam::111122223333:role/app-backend'] });
  });
  it('--allow-in-use lets it go ahead, recorded as an override and said in the reason', () => {
    const it2 = withUseVerdict(toDisable(), assessed('in-use'), true);
    expect(it2.status).toBe('apply');
    expect(it2.checks.at(-1)).toMatchObject({ ok: false, overridden: true });
    expect(it2.reason).toMatch(/in-use, overridden with --allow-in-use/);
  });
  it('the use verdict decides, not data found under the key (a trial is reversible)', () => {
    const it2 = withUseVerdict(toDisable(), { ...assessed('protects-data'), useVerdict: 'unused' }, false);
    expect(it2.status).toBe('apply');
    expect(withUseVerdict(toDisable(), { ...assessed('protects-data'), useVerdict: 'in-use' }, false).status).toBe(
      'blocked',
    );
  });
  it.each(['unknown', 'unused'] as const)('a key whose verdict is %s goes ahead, its verdict on the line', (v) => {
    const it2 = withUseVerdict(toDisable(), assessed(v), false);
    expect(it2.status).toBe('apply');
    expect(it2.checks.at(-1)).toMatchObject({ name: 'usage-verdict', ok: true });
    expect(it2.details?.verdict).toBe(v);
  });
  it('lines that do not disable are left alone (skipped, or not assessed)', () => {
    const skipped = evaluateDisable(
      key('Disabled'),
      undefined,
      { kind: 'none' },
      { days: 14, now: NOW, allowDynamoDbArchive: false },
    );
    expect(withUseVerdict(skipped, assessed('in-use'), false)).toEqual(skipped);
    expect(withUseVerdict(toDisable(), undefined, false)).toEqual(toDisable());
  });
});

describe('evaluateEnable', () => {
  it.each([
    ['Disabled', report('running'), false, 'apply'],
    ['Disabled', report('failed', 2), false, 'apply'],
    ['Disabled', undefined, false, 'skip'], // Disabled before the trial: never, unless named
    ['Disabled', undefined, true, 'apply'],
    ['Enabled', report('running'), false, 'skip'],
    ['PendingDeletion', report('ended'), false, 'skip'],
  ] as const)('%s (trial %o, named %s) -> %s', (state, trial, named, status) => {
    expect(evaluateEnable(key(state), trial, named, true).status).toBe(status);
  });
  it('the rollback of a failed trial names who failed (the reason to roll back); a clean one does not', () => {
    const failed = evaluateEnable(key('Disabled'), report('failed', 2), false, true);
    expect(failed.reason).toMatch(/^re-enable: disabled for a trial from \S+; it failed: .+: Decrypt x2 /);
    expect(evaluateEnable(key('Disabled'), report('running'), false, true).reason).not.toMatch(/failed/);
  });
});

describe('evaluateTrialGate (before ScheduleKeyDeletion)', () => {
  const item: PlanItem = {
    target: 'k1',
    targetKind: 'key',
    action: 'ScheduleKeyDeletion',
    status: 'apply',
    reason: 'schedule deletion in 30 days',
    checks: [],
  };
  it('no trial: no check', () => expect(evaluateTrialGate(undefined, NOW, false)).toBeUndefined());
  it('ended without failed calls: ok, and the evidence names the trial', () => {
    const gate = evaluateTrialGate(report('ended'), NOW, false)!;
    expect(gate.ok).toBe(true);
    const out = withTrialGate(item, gate, report('ended'));
    expect(out.status).toBe('apply');
    expect(out.reason).toMatch(/disabled for 14 days from 2026-11-20T00:00:00.000Z, 0 failed calls/);
  });
  it('failed calls: blocked, with the callers and the rollback, and no flag overrides it', () => {
    for (const endEarly of [false, true]) {
      const gate = evaluateTrialGate(report('failed', 2), NOW, endEarly)!;
      expect(gate.overrideFlag).toBeUndefined();
      const out = withTrialGate(item, gate, report('failed', 2));
      expect(out.status).toBe('blocked');
      expect(out.reason).toMatch(/role\/app-backend: Decrypt x2 .*kscli enable-keys/);
    }
  });
  it('a line the usage evidence already blocked still carries its trial; a failed trial leads its reason', () => {
    const blocked: PlanItem = {
      ...item,
      status: 'blocked',
      reason: 'in-use: a failed attempt (override: --allow-in-use)',
    };
    const out = withTrialGate(blocked, evaluateTrialGate(report('failed', 1), NOW, false), report('failed', 1));
    expect(out.status).toBe('blocked');
    expect(out.details?.trial).toMatchObject({ phase: 'failed' });
    expect(out.reason).toMatch(/^.*role\/app-backend: Decrypt x1 .*; in-use: a failed attempt/);
    const clean = withTrialGate(blocked, evaluateTrialGate(report('ended'), NOW, false), report('ended'));
    expect(clean).toMatchObject({ status: 'blocked', reason: blocked.reason, details: { trial: { phase: 'ended' } } });
  });
  it('still running: blocked unless cut short by name (--end-trial)', () => {
    expect(withTrialGate(item, evaluateTrialGate(report('running'), NOW, false), report('running')).status).toBe(
      'blocked',
    );
    const cut = withTrialGate(item, evaluateTrialGate(report('running'), NOW, true), report('running'));
    expect(cut.status).toBe('apply');
    expect(cut.reason).toMatch(/--end-trial/);
  });
  it('failed calls that could not be read: blocked (never "0 failed calls")', () => {
    const out = withTrialGate(item, evaluateTrialGate(report('unknown'), NOW, true), report('unknown'));
    expect(out.status).toBe('blocked');
    expect(out.reason).toMatch(/failed calls unknown/);
  });
  it('a clean ended trial resolves an unknown verdict, not an in-use one', () => {
    const gate = evaluateTrialGate(report('ended'), NOW, false);
    const unknown = { verdict: 'unknown', check: { name: 'usage-verdict', ok: false } };
    expect(resolvedByTrial(unknown, gate)!.check.ok).toBe(true);
    const inUse = { verdict: 'in-use', check: { name: 'usage-verdict', ok: false } };
    expect(resolvedByTrial(inUse, gate)!.check.ok).toBe(false);
    expect(resolvedByTrial(unknown, evaluateTrialGate(report('running'), NOW, false))!.check.ok).toBe(false);
  });
});

describe('the trial record', () => {
  it('tags round-trip; foreign or broken tags are no trial', () => {
    const t = trialTags(NOW, 14);
    expect(parseTrialTags(t)).toEqual({ start: NOW, end: new Date('2026-12-21T00:00:00Z') });
    expect(parseTrialTags({})).toBeUndefined();
    expect(parseTrialTags({ 'kscli:trial-start': 'x', 'kscli:trial-end': 'y' })).toBeUndefined();
    expect(
      parseTrialTags({ 'kscli:trial-start': t['kscli:trial-end']!, 'kscli:trial-end': t['kscli:trial-start']! }),
    ).toBeUndefined();
  });
  it('phase: failures win, then a gap, then the end date', () => {
    const w = { start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-12-04T00:00:00Z') };
    expect(trialPhase(w, 1, false, new Date('2026-11-21T00:00:00Z'))).toBe('failed');
    expect(trialPhase(w, 0, true, NOW)).toBe('unknown');
    expect(trialPhase(w, 0, false, new Date('2026-11-21T00:00:00Z'))).toBe('running');
    expect(trialPhase(w, 0, false, NOW)).toBe('ended');
  });
  it('failed calls are cryptographic calls with an errorCode; the DisableKey record says who started it', () => {
    const ev = (name: string, time: string, detail: Record<string, unknown>) => ({
      eventId: time,
      eventName: name,
      eventTime: new Date(time),
      eventSource: 'kms.amazonaws.com',
      detail,
    });
    const role = {
      arn: 'arn:aws:sts::1:assumed-role/app/i-1',
      accountId: '1',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::1:role/app' } },
    };
    const out = classifyTrialEvents(
      [
        ev('DisableKey', '2026-11-20T00:00:01Z', { userIdentity: { arn: 'arn:aws:sts::1:assumed-role/Admin/kscli' } }),
        ev('Decrypt', '2026-11-21T00:00:00Z', {
          userIdentity: role,
          errorCode: 'DisabledException',
          awsRegion: 'eu-west-1',
        }),
        ev('Decrypt', '2026-11-19T00:00:00Z', { userIdentity: role, errorCode: 'DisabledException' }), // before the trial
        ev('DescribeKey', '2026-11-22T00:00:00Z', { userIdentity: role, errorCode: 'AccessDenied' }), // not use
        ev('Encrypt', '2026-11-22T00:00:00Z', { userIdentity: role }), // succeeded
      ],
      new Date('2026-11-20T00:00:00Z'),
    );
    expect(out.failures).toEqual([
      {
        time: '2026-11-21T00:00:00.000Z',
        operation: 'Decrypt',
        principal: 'arn:aws:iam::1:role/app',
        sessionArn: 'arn:aws:sts::1:assumed-role/app/i-1',
        account: '1',
        region: 'eu-west-1',
        errorCode: 'DisabledException',
      },
    ]);
    expect(out.disabledBy).toEqual({
      principal: 'arn:aws:sts::1:assumed-role/Admin/kscli',
      time: '2026-11-20T00:00:01.000Z',
    });
  });
});
