/**
 * `kscli usage` and `kscli alarm` end to end in-process, on the shared fake account
 * (test/unit/fakes) with the real evidence module.
 */
import { describe, expect, it } from 'vitest';
import type { TrailEvent } from '../../../../src/aws/ports.js';
import { ALARM_NAME, FILTER_NAME } from '../../../../src/workflow/evidence/alarm-spec.js';
import { FakeAccount } from '../../fakes/fake-aws.js';
import { makeWorld, runCli } from '../../fakes/harness.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:kms-alerts';

function account() {
  const acct = new FakeAccount();
  const store = acct.addStore();
  const used = acct.addKey({ store, aliases: ['alias/app'] });
  used.lastUsage = { operation: 'Decrypt', timestamp: new Date('2026-11-20T08:00:00Z'), cloudTrailEventId: 'ev-1' };
  const failing = acct.addKey({ store, state: 'Disabled' });
  const idle = acct.addKey({ store });
  acct.addKey({ store: null }); // a key outside the store: never examined
  const event = (name: string, t: string, extra: Record<string, unknown> = {}): TrailEvent => ({
    eventId: `ev-${name}-${t}`,
    eventName: name,
    eventTime: new Date(t),
    eventSource: 'kms.amazonaws.com',
    detail: {
      eventSource: 'kms.amazonaws.com',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/batch/s1',
        sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/batch' } },
      },
      resources: [{ ARN: failing.arn }],
      ...extra,
    },
  });
  acct.events.push(
    event('Decrypt', '2026-11-21T00:00:00Z', {
      errorCode: 'DisabledException',
      errorMessage: `${failing.arn} is disabled.`,
    }),
    // kscli's own reads of the idle key: never use
    {
      ...event('DescribeKey', '2026-11-22T00:00:00Z'),
      detail: {
        eventSource: 'kms.amazonaws.com',
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops' },
        resources: [{ ARN: idle.arn }],
      },
    },
  );
  return { acct, store, used, failing, idle };
}

function addTrail(acct: FakeAccount) {
  acct.trails.push({
    name: 'org-trail',
    arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
    homeRegion: 'eu-west-1',
    isMultiRegionTrail: true,
    cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct-logs:*',
    status: { isLogging: true },
    selectors: { eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }] },
  });
  acct.logGroups.set('ct-logs', {
    name: 'ct-logs',
    arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:ct-logs',
    logGroupClass: 'STANDARD',
  });
}

describe('kscli usage', () => {
  it('--output json: exactly the documented shape, one entry per key of the store', async () => {
    const { acct, store, used, failing, idle } = account();
    const r = await runCli(['usage', store.id, '--output', 'json'], makeWorld({ account: acct }));
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(Object.keys(doc).sort()).toEqual([
      'dependents',
      'evidence',
      'keys',
      'note',
      'schemaVersion',
      'store',
      'window',
    ]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.window).toEqual({
      cloudTrailStart: '2026-08-25T12:00:00.000Z',
      cloudTrailEnd: '2026-11-23T12:00:00.000Z',
      cloudTrailDays: 90,
      requestedDays: 90,
      unusedDays: 90,
    });
    // this fake account has no trail delivering to CloudWatch Logs: the per-key APIs answer, and the JSON says so
    expect(doc.evidence).toMatchObject({ mode: 'auto', source: 'api', segments: [{ source: 'lookup-events' }] });
    expect(doc.evidence.logGroupProblems.join(' ')).toMatch(
      /no CloudTrail trail visible in eu-west-1 delivers to CloudWatch Logs/,
    );
    expect(doc.keys.map((k: any) => Object.keys(k))).toEqual(
      Array(3).fill([
        'keyId',
        'arn',
        'verdict',
        'evidenceSource',
        'lastUsage',
        'cloudTrail',
        'policyPrincipals',
        'grants',
        'aliases',
        'dataAtRest',
        'reason',
      ]),
    );
    expect(doc.keys.every((k: any) => k.evidenceSource === 'api')).toBe(true);
    const by = (id: string) => doc.keys.find((k: any) => k.keyId === id);
    expect(by(used.keyId)).toMatchObject({
      verdict: 'in-use',
      lastUsage: { status: 'ok', operation: 'Decrypt', timestamp: '2026-11-20T08:00:00.000Z' },
      aliases: { status: 'ok', names: ['alias/app'] },
    });
    expect(by(failing.keyId)).toMatchObject({
      verdict: 'in-use',
      cloudTrail: {
        failedAttemptCount: 1,
        failedAttempts: [{ errorCode: 'DisabledException', principal: 'arn:aws:iam::111122223333:role/batch' }],
      },
    });
    expect(by(idle.keyId)).toMatchObject({ verdict: 'unused', cloudTrail: { operations: {}, ignoredEventCount: 1 } });
    expect(by(idle.keyId).policyPrincipals.principals[0]).toMatchObject({ kind: 'account', actions: ['kms:*'] });
    expect(doc.note).toMatch(/review signal, not proof/);
    expect(acct.mutatingCalls()).toEqual([]);
  });

  it('table: a line per key, the evidence blocks and the review-signal footer', async () => {
    const { acct, store, idle } = account();
    const r = await runCli(['usage', store.id, '--output', 'table'], makeWorld({ account: acct }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/KEY ID\s+VERDICT\s+LAST USE/);
    expect(r.stdout).toContain(`${idle.keyId}  unused`);
    expect(r.stdout).toMatch(
      /failed:\s+1, newest Decrypt by arn:aws:iam::111122223333:role\/batch .*DisabledException/,
    );
    expect(r.stdout).toContain('2 in-use, 1 unused, 0 unknown');
    expect(r.stdout).toMatch(/Inactivity is a review signal, not proof/);
  });

  it('--key narrows to the named keys; a key outside the store is refused (exit 3)', async () => {
    const { acct, store, idle } = account();
    const r = await runCli(['usage', store.id, '--key', idle.keyId, '--output', 'json'], makeWorld({ account: acct }));
    expect(r.json().keys.map((k: any) => k.keyId)).toEqual([idle.keyId]);
    const outsider = acct.addKey({ store: null });
    const bad = await runCli(['usage', store.id, '--key', outsider.keyId], makeWorld({ account: acct }));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/is not in store/);
  });

  it('bad input exits 2 before any AWS call', async () => {
    const { acct, store } = account();
    for (const argv of [
      ['usage', 'cks-123'],
      ['usage', store.id, '--days', '91', '--evidence', 'api'],
      ['usage', store.id, '--days', '3651'],
      ['usage', store.id, '--evidence', 'cloudtrail'],
      ['usage', store.id, '--log-group-arn', 'aws-cloudtrail-logs'],
      ['usage', store.id, '--unused-days', '0'],
    ]) {
      const r = await runCli(argv, makeWorld({ account: acct }));
      expect(r.code).toBe(2);
    }
    expect(acct.calls).toEqual([]);
  });

  it('--unused-days beyond what the evidence covers gives unknown', async () => {
    const { acct, store, idle } = account();
    acct.keys.get(idle.keyId)!.creationDate = new Date('2024-01-01T00:00:00Z'); // before tracking started (2025-01-01)
    const r = await runCli(
      ['usage', store.id, '--key', idle.keyId, '--unused-days', '1000', '--output', 'json'],
      makeWorld({ account: acct }),
    );
    expect(r.json().keys[0]).toMatchObject({
      verdict: 'unknown',
      reason: expect.stringMatching(/evidence starts 2025-01-01/),
    });
  });

  it('--help shows an example', async () => {
    const r = await runCli(['usage', '--help'], makeWorld());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+kscli usage cks-/);
  });
});

describe('kscli alarm', () => {
  it('--dry-run prints the plan and changes nothing', async () => {
    const { acct, store } = account();
    addTrail(acct);
    const r = await runCli(['alarm', store.id, '--dry-run', '--output', 'table'], makeWorld({ account: acct }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(FILTER_NAME);
    expect(r.stdout).toContain('PutMetricAlarm');
    expect(acct.mutatingCalls()).toEqual([]);
  });

  it('without a terminal and without --yes: exit 2 naming --yes, nothing changed', async () => {
    const { acct, store } = account();
    addTrail(acct);
    const r = await runCli(['alarm', store.id], makeWorld({ account: acct }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(acct.mutatingCalls()).toEqual([]);
  });

  it('--yes creates the filter and alarm; a second run has nothing to do', async () => {
    const { acct, store } = account();
    addTrail(acct);
    acct.topics.set(TOPIC, { topicArn: TOPIC });
    const r = await runCli(
      ['alarm', store.id, '--yes', '--sns-topic-arn', TOPIC, '--output', 'json'],
      makeWorld({ account: acct }),
    );
    expect(r.code).toBe(0);
    expect(r.json().outcome).toBe('done');
    expect(acct.metricFilters).toHaveLength(1);
    expect(acct.alarms.get(ALARM_NAME)).toMatchObject({ alarmActions: [TOPIC], treatMissingData: 'notBreaching' });
    const before = acct.mutatingCalls().length;
    const again = await runCli(['alarm', store.id, '--yes', '--output', 'json'], makeWorld({ account: acct }));
    expect(again.code).toBe(0);
    expect(again.json().outcome).toBe('nothing-to-do');
    expect(again.json().plan.map((p: any) => p.status)).toEqual(['skip', 'skip']);
    expect(acct.mutatingCalls().length).toBe(before);
  });

  it('refuses (exit 3) when the trail is encrypted with a key of this store', async () => {
    const { acct, store, idle } = account();
    addTrail(acct);
    acct.trails[0]!.kmsKeyId = idle.arn;
    const r = await runCli(['alarm', store.id, '--yes'], makeWorld({ account: acct }));
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/a key of this store/);
    expect(acct.mutatingCalls()).toEqual([]);
  });

  it('no suitable trail: exit 3 with what to fix', async () => {
    const { acct, store } = account();
    const r = await runCli(['alarm', store.id, '--yes'], makeWorld({ account: acct }));
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/no CloudTrail trail covers eu-west-1/);
  });

  it('a malformed --sns-topic-arn or store ID exits 2 before any AWS call', async () => {
    const { acct, store } = account();
    expect(
      (await runCli(['alarm', store.id, '--sns-topic-arn', 'kms-alerts'], makeWorld({ account: acct }))).code,
    ).toBe(2);
    expect((await runCli(['alarm', 'cks-nope'], makeWorld({ account: acct }))).code).toBe(2);
    expect(acct.calls).toEqual([]);
  });

  it('--help shows an example', async () => {
    const r = await runCli(['alarm', '--help'], makeWorld());
    expect(r.stdout).toMatch(/Examples:\n\s+kscli alarm cks-/);
  });
});

describe('--evidence on the deletion commands (issue 10)', () => {
  it('schedule-deletion --evidence logs without a trusted log group: exit 3 naming the reason, nothing scheduled', async () => {
    const { acct, store, idle } = account();
    // the real evidence module, not the harness's stub
    const evidence = await import('../../../../src/workflow/evidence/index.js');
    const r = await runCli(
      ['schedule-deletion', store.id, '--key', idle.keyId, '--evidence', 'logs', '--yes', '--no-alarm'],
      makeWorld({ account: acct, evidence }),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--evidence logs: no CloudTrail log group can be trusted/);
    expect(acct.mutatingCalls()).toEqual([]);
  });

  it('delete-store --days 200 --evidence api and schedule-deletion --evidence x are bad input (exit 2) before any AWS call', async () => {
    const { acct, store } = account();
    for (const argv of [
      ['delete-store', store.id, '--days', '200', '--evidence', 'api'],
      ['schedule-deletion', store.id, '--evidence', 'x'],
      ['schedule-deletion', store.id, '--log-group-arn', 'arn:aws:s3:::bucket'],
    ]) {
      const r = await runCli(argv, makeWorld({ account: acct }));
      expect(r.code, argv.join(' ')).toBe(2);
    }
    expect(acct.calls).toEqual([]);
  });
});
