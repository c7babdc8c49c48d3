/**
 * Issue 20, "Done when", on the demo account through the built binary against `kscli sandbox
 * serve`: delete-store --trial-days 14 --allow-in-use disables the keys it would schedule and exits
 * 8 with the end date; a few sandbox days later the re-run shows the application role's failed
 * Decrypt calls on the key it disabled and stops with exit 3; enable-keys restores exactly those
 * keys; on a store whose keys nobody calls (the external key store), the run after the trial
 * schedules deletion and each key's evidence names the trial. Judged from the sandbox's request
 * log and state, not from kscli's own words alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeKeyCommand, KMSClient, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  isMutatingRequest,
  sdkClientConfig,
  startE2E,
  type E2E,
  type LoggedRequest,
} from './helpers/index.js';

const DAY = 86_400_000;
const TRIAL_KEYS = [DEMO.keys.used, DEMO.keys.unusedA, DEMO.keys.unusedB].sort();

let t: E2E;
let kms: KMSClient;
beforeAll(async () => {
  t = await startE2E('trial');
  kms = new KMSClient(sdkClientConfig(t.sandbox.url));
});
afterAll(async () => {
  kms?.destroy();
  await t?.stop();
});

const okCalls = (requests: LoggedRequest[], op: string) =>
  requests
    .filter((r) => r.operation === op && r.outcome === 'ok')
    .map((r) => String(r.params?.KeyId))
    .sort();
const stateOf = async (keyId: string) =>
  (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;

describe('a trial on the demo account', () => {
  let trialEnd: string;

  it('disable-keys --dry-run and delete-store --trial-days --dry-run change nothing', async () => {
    const mark = t.sandbox.mark();
    expectExit(await t.kscli(['disable-keys', DEMO.hsmStore, '--allow-in-use', '--dry-run', '--output', 'json']), 0);
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--trial-days', '14', '--allow-in-use', '--dry-run']);
    expectExit(r, 0);
    expect(
      r
        .json()
        .plan.filter((i: { action: string; status: string }) => i.action === 'DisableKey' && i.status === 'apply'),
    ).toHaveLength(3);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it.each([
    ['disable-keys', []],
    ['delete-store', ['--trial-days', '14']],
    ['schedule-deletion', ['--trial-days', '14']],
  ])(
    '%s: a key in use is not disabled for a trial without --allow-in-use (exit 3, its caller named, nothing changed)',
    async (cmd, extra) => {
      const mark = t.sandbox.mark();
      const r = await t.kscli([cmd, DEMO.hsmStore, ...extra, '--yes', '--output', 'json']);
      expectExit(r, 3);
      const line = r
        .json()
        .plan.find((i: { target: string; action: string }) => i.target === DEMO.keys.used && i.action === 'DisableKey');
      expect(line.status).toBe('blocked');
      expect(line.reason).toMatch(/^in-use: .*role\/app-backend will fail until EnableKey \(override: --allow-in-use/);
      expect(line.checks).toContainEqual(expect.objectContaining({ name: 'usage-verdict', ok: false }));
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
      // the keys nobody calls would go ahead: their lines carry their verdict
      const other = r
        .json()
        .plan.find(
          (i: { target: string; action: string }) => i.target === DEMO.keys.unusedA && i.action === 'DisableKey',
        );
      expect(other.status).toBe('apply');
      expect(other.details.verdict).not.toBe('in-use');
    },
  );

  it('a --trial-days outside 1-90 is bad input (exit 2), before any AWS call', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--trial-days', '91', '--yes']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--trial-days "91" must be a whole number from 1 to 90/);
    expect(t.sandbox.requestsSince(mark)).toHaveLength(0);
  });

  it('delete-store --trial-days 14 --allow-in-use disables the keys it would schedule and exits 8 with the end date', async () => {
    const startedAt = Date.parse((await t.sandbox.status()).now);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--trial-days', '14', '--allow-in-use', '--yes']);
    expectExit(r, 8);
    const doc = r.json();
    expect(doc).toMatchObject({ outcome: 'pending', phase: 'trial-start' });
    trialEnd = doc.nextRunAfter;
    expect(Math.abs(Date.parse(trialEnd) - (startedAt + 14 * DAY))).toBeLessThan(60_000);
    expect(doc.trial.keys.map((k: { keyId: string }) => k.keyId).sort()).toEqual(TRIAL_KEYS);
    // the key in use went ahead on the override, said once (the trial phase and the run both know it)
    expect(doc.overrides.filter((o: string) => o === '--allow-in-use')).toHaveLength(1);
    const used = doc.plan.find(
      (i: { target: string; action: string }) => i.target === DEMO.keys.used && i.action === 'DisableKey',
    );
    expect(used.reason).toMatch(/in-use, overridden with --allow-in-use: .*role\/app-backend will fail/);
    // the rollback pastes as printed: this run's endpoint and Region (issue 23)
    expect(doc.trial.rollback).toBe(
      `kscli enable-keys ${DEMO.hsmStore} --region us-east-1 --endpoint-url ${t.sandbox.url}`,
    );
    const requests = t.sandbox.requestsSince(mark);
    // exactly the Enabled keys it would schedule: not the key Disabled before, not the pending one
    expect(okCalls(requests, 'DisableKey')).toEqual(TRIAL_KEYS);
    expect(okCalls(requests, 'TagResource')).toEqual(TRIAL_KEYS);
    expect(requests.filter((q) => q.operation === 'ScheduleKeyDeletion')).toHaveLength(0);
    expect(requests.filter((q) => q.operation === 'PutMetricAlarm' && q.outcome === 'ok')).toHaveLength(1);
    for (const k of TRIAL_KEYS) expect(await stateOf(k)).toBe('Disabled');
    // the trial is recorded on the key itself: another operator reads the same end date
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: DEMO.keys.unusedA }));
    const mine = doc.trial.keys.find((k: { keyId: string }) => k.keyId === DEMO.keys.unusedA);
    expect(tags.Tags).toContainEqual({ TagKey: 'kscli:trial-end', TagValue: mine.end });
    expect(tags.Tags).toContainEqual({ TagKey: 'kscli:trial-start', TagValue: mine.start });
    expect(isMutatingRequest(requests.find((q) => q.operation === 'TagResource')!)).toBe(true);
  });

  it('a re-run the same day reports 0 failed calls so far and exits 8 without a change', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--trial-days', '14', '--allow-in-use', '--yes']);
    expectExit(r, 8);
    expect(r.json()).toMatchObject({ phase: 'trial-running', nextRunAfter: trialEnd });
    expect(r.json().plan.find((i: { target: string }) => i.target === DEMO.keys.used).reason).toMatch(
      /in a 14-day trial from .* until .*, 0 failed calls so far/,
    );
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('a few sandbox days later the re-run shows the application role’s failed Decrypt calls and stops with exit 3', async () => {
    await t.sandbox.advanceDays(4);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.hsmStore, '--trial-days', '14', '--allow-in-use', '--yes']);
    expectExit(r, 3);
    const doc = r.json();
    expect(doc.outcome).toBe('blocked');
    const line = doc.plan.find(
      (i: { target: string; action: string }) => i.target === DEMO.keys.used && i.action === 'ScheduleKeyDeletion',
    );
    expect(line.status).toBe('blocked');
    const failures = line.details.trial.failures;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({
      operation: 'Decrypt',
      principal: 'arn:aws:iam::111122223333:role/app-backend',
      errorCode: 'DisabledException',
      account: DEMO.account,
      region: DEMO.region,
    });
    expect(line.reason).toMatch(/app-backend: Decrypt x\d/);
    expect(doc.warnings.join('\n')).toMatch(/Roll back with: kscli enable-keys cks-1234567890abcdef0/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    // kscli's own alarm for disabled keys saw the same failed calls in the log group
    const cw = new CloudWatchClient(sdkClientConfig(t.sandbox.url));
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'kscli-kms-key-disabled-use' }));
    cw.destroy();
    expect(history.AlarmHistoryItems?.some((h) => /to ALARM$/.test(h.HistorySummary ?? ''))).toBe(true);
  });

  it('enable-keys restores exactly the keys the trial disabled (not the key Disabled before it)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['enable-keys', DEMO.hsmStore, '--yes']);
    expectExit(r, 0);
    const requests = t.sandbox.requestsSince(mark);
    expect(okCalls(requests, 'EnableKey')).toEqual(TRIAL_KEYS);
    for (const k of TRIAL_KEYS) expect(await stateOf(k)).toBe('Enabled');
    expect(await stateOf(DEMO.keys.disabled)).toBe('Disabled');
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: DEMO.keys.used }));
    expect(tags.Tags ?? []).toEqual([]);
    // a second run has nothing to do
    const again = await t.kscli(['enable-keys', DEMO.hsmStore, '--yes']);
    expectExit(again, 0);
    expect(again.json().outcome).toBe('nothing-to-do');
  });

  it('on a store whose keys nobody calls, the run after the trial schedules deletion and each key’s evidence names the trial', async () => {
    const first = await t.kscli(['delete-store', DEMO.xksStore, '--trial-days', '7', '--yes']);
    expectExit(first, 8);
    const keys = first.json().trial.keys.map((k: { keyId: string }) => k.keyId);
    expect(keys).toHaveLength(2);
    const early = await t.kscli(['delete-store', DEMO.xksStore, '--yes']);
    expectExit(early, 8);
    expect(early.json().phase).toBe('trial-running');

    await t.sandbox.advanceDays(8);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', DEMO.xksStore, '--yes']);
    expectExit(r, 8);
    const doc = r.json();
    expect(doc.phase).toBe('schedule-keys');
    expect(okCalls(t.sandbox.requestsSince(mark), 'ScheduleKeyDeletion')).toEqual([...keys].sort());
    for (const k of keys) {
      const line = doc.plan.find(
        (i: { target: string; action: string }) => i.target === k && i.action === 'ScheduleKeyDeletion',
      );
      expect(line.reason).toMatch(/disabled for 7 days from \d{4}-\d{2}-\d{2}T[\d:.]+Z, 0 failed calls/);
      expect(line.checks).toContainEqual(
        expect.objectContaining({ name: 'trial-clean', ok: true, detail: expect.stringMatching(/, 0 failed calls$/) }),
      );
    }
    expect(
      doc.trial.keys.every(
        (k: { phase: string; failures: unknown[] }) => k.phase === 'ended' && k.failures.length === 0,
      ),
    ).toBe(true);
  });
});
