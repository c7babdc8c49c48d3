import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../../../../src/aws/ports.js';
import { AwsCallError } from '../../../../src/errors.js';
import {
  ALARM_NAME,
  alarmSpec,
  FILTER_NAME,
  FILTER_PATTERN,
  METRIC_NAME,
  METRIC_NAMESPACE,
  metricFilterSpec,
} from '../../../../src/workflow/evidence/alarm-spec.js';
import { alarmInPlace, planAlarm, type AlarmContext } from '../../../../src/workflow/evidence/index.js';
import { ACCOUNT, addGoodTrail, EvidenceAccount, makeKey, REGION, STORE_ID } from './fake-aws.js';

const store: StoreInfo = {
  id: STORE_ID,
  name: 'retiring',
  type: 'AWS_CLOUDHSM',
  connectionState: 'CONNECTED',
  clusterId: 'cluster-1234567abcd',
  creationDate: new Date('2024-01-01'),
};
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:kms-alerts`;

function setup() {
  const acct = new EvidenceAccount();
  const storeKey = makeKey();
  acct.keys = [storeKey];
  addGoodTrail(acct);
  const ctx: AlarmContext = { store, storeKeys: [storeKey], region: REGION };
  return { acct, storeKey, ctx };
}

const statuses = async (acct: EvidenceAccount, ctx: AlarmContext) =>
  (await planAlarm(acct.ports(), ctx)).map((e) => [e.item.action, e.item.status]);

async function applyAll(acct: EvidenceAccount, ctx: AlarmContext) {
  for (const e of await planAlarm(acct.ports(), ctx)) {
    const item = e.recheck ? await e.recheck() : e.item;
    if (item.status === 'apply') await e.apply();
  }
}

describe('alarm spec', () => {
  it("is the documented filter under kscli's own metric, not the CIS name", () => {
    expect(FILTER_PATTERN).toBe('{ $.eventSource = kms* && $.errorMessage = "* is pending deletion." }');
    expect(`${METRIC_NAMESPACE}/${METRIC_NAME}`).toBe('kscli/KeyPendingDeletionUseCount');
    expect(METRIC_NAME).not.toBe('KMSKeyPendingDeletionErrorCount');
    expect(metricFilterSpec('lg').metricValue).toBe('1');
    expect(alarmSpec([TOPIC])).toMatchObject({
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [TOPIC],
    });
  });
});

describe('planAlarm: idempotent', () => {
  it("absent -> create both, in the trail's home region, with the SNS action", async () => {
    const { acct, ctx } = setup();
    acct.topics.set(TOPIC, { topicArn: TOPIC });
    const c = { ...ctx, snsTopicArn: TOPIC };
    const ex = await planAlarm(acct.ports(), c);
    expect(ex.map((e) => [e.item.target, e.item.action, e.item.status])).toEqual([
      [FILTER_NAME, 'PutMetricFilter', 'apply'],
      [ALARM_NAME, 'PutMetricAlarm', 'apply'],
    ]);
    expect(ex[0]!.item.reason).toBe('create metric filter on log group aws-cloudtrail-logs (us-east-1)');
    await applyAll(acct, c);
    expect(acct.filters).toEqual([{ ...metricFilterSpec('aws-cloudtrail-logs'), region: REGION }]);
    expect(acct.alarms.get(`${REGION}/${ALARM_NAME}`)).toMatchObject({ ...alarmSpec([TOPIC]), region: REGION });
  });

  it('identical -> skip "already in place" (a second run changes nothing)', async () => {
    const { acct, ctx } = setup();
    await applyAll(acct, ctx);
    const puts = acct.calls.filter((c) => c.op.startsWith('Put')).length;
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex.map((e) => e.item.status)).toEqual(['skip', 'skip']);
    expect(ex[0]!.item.reason).toMatch(/^already in place/);
    expect(ex[1]!.item.reason).toMatch(/^already in place in us-east-1 \(state INSUFFICIENT_DATA\)/);
    await applyAll(acct, ctx);
    expect(acct.calls.filter((c) => c.op.startsWith('Put')).length).toBe(puts);
  });

  it('a run without --sns-topic-arn keeps the actions of an existing alarm: still in place', async () => {
    const { acct, ctx } = setup();
    acct.topics.set(TOPIC, { topicArn: TOPIC });
    await applyAll(acct, { ...ctx, snsTopicArn: TOPIC });
    expect(await statuses(acct, ctx)).toEqual([
      ['PutMetricFilter', 'skip'],
      ['PutMetricAlarm', 'skip'],
    ]);
  });

  it('different -> blocked with the difference, unless --replace', async () => {
    const { acct, ctx } = setup();
    acct.filters.push({
      ...metricFilterSpec('aws-cloudtrail-logs'),
      filterPattern: '{ $.eventSource = kms* }',
      region: REGION,
    });
    acct.alarms.set(`${REGION}/${ALARM_NAME}`, { ...alarmSpec([]), period: 60, stateValue: 'OK', region: REGION });
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex.map((e) => e.item.status)).toEqual(['blocked', 'blocked']);
    expect(ex[0]!.item.reason).toMatch(/different configuration .*filterPattern.*run with --replace/);
    expect(ex[1]!.item.reason).toMatch(/period: 60 -> 300.*run with --replace/);
    expect(ex[1]!.item.checks.find((c) => c.name === 'same-configuration')).toMatchObject({
      ok: false,
      overrideFlag: '--replace',
    });

    const replaced = await planAlarm(acct.ports(), { ...ctx, replace: true });
    expect(replaced.map((e) => e.item.status)).toEqual(['apply', 'apply']);
    expect(replaced[1]!.item.checks.find((c) => c.name === 'same-configuration')).toMatchObject({
      ok: false,
      overridden: true,
    });
    await applyAll(acct, { ...ctx, replace: true });
    expect(acct.filters[0]!.filterPattern).toBe(FILTER_PATTERN);
    expect(acct.alarms.get(`${REGION}/${ALARM_NAME}`)!.period).toBe(300);
    expect(await statuses(acct, ctx)).toEqual([
      ['PutMetricFilter', 'skip'],
      ['PutMetricAlarm', 'skip'],
    ]);
  });

  it("a named topic different from the alarm's actions is a difference", async () => {
    const { acct, ctx } = setup();
    const other = `arn:aws:sns:${REGION}:${ACCOUNT}:other`;
    acct.topics.set(TOPIC, { topicArn: TOPIC });
    acct.topics.set(other, { topicArn: other });
    await applyAll(acct, { ...ctx, snsTopicArn: other });
    const ex = await planAlarm(acct.ports(), { ...ctx, snsTopicArn: TOPIC });
    expect(ex[1]!.item.status).toBe('blocked');
    expect(ex[1]!.item.reason).toMatch(/alarmActions/);
  });

  it("the metric filter goes to the trail's home region, not kscli's region", async () => {
    const acct = new EvidenceAccount();
    const key = makeKey();
    addGoodTrail(acct, { homeRegion: 'eu-central-1', isMultiRegionTrail: true });
    const ctx = { store, storeKeys: [key], region: REGION };
    await applyAll(acct, ctx);
    expect(acct.filters[0]!.region).toBe('eu-central-1');
    expect(acct.alarms.has(`eu-central-1/${ALARM_NAME}`)).toBe(true);
  });

  it('prefers the trail whose log group already holds the filter (re-runs stay on it)', async () => {
    const acct = new EvidenceAccount();
    addGoodTrail(acct, { name: 'a-trail' }, { name: 'lg-a' });
    addGoodTrail(acct, { name: 'b-trail' }, { name: 'lg-b' });
    acct.filters.push({ ...metricFilterSpec('lg-b'), region: REGION });
    const ex = await planAlarm(acct.ports(), { store, storeKeys: [], region: REGION });
    expect(ex[0]!.item).toMatchObject({ status: 'skip', details: { logGroup: 'lg-b', trail: 'b-trail' } });
  });
});

describe('planAlarm: blocked with what to fix', () => {
  it('no trail', async () => {
    const acct = new EvidenceAccount();
    const ex = await planAlarm(acct.ports(), { store, storeKeys: [], region: REGION });
    expect(ex.map((e) => e.item.status)).toEqual(['blocked', 'blocked']);
    expect(ex[0]!.item.reason).toMatch(/no CloudTrail trail covers us-east-1: create a trail/);
  });

  it('only an unsuitable trail: its problems are the reason', async () => {
    const { acct, ctx } = setup();
    acct.trailStatus.set(acct.trails[0]!.arn, { isLogging: false });
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex[0]!.item.status).toBe('blocked');
    expect(ex[0]!.item.reason).toMatch(/no suitable CloudTrail trail: trail management-events is not logging/);
    expect(acct.calls.some((c) => c.op.startsWith('Put'))).toBe(false);
  });

  it('a trail that cannot be inspected (an organization trail seen from a member account) is skipped with its reason', async () => {
    const { acct, ctx } = setup();
    addGoodTrail(acct, { name: 'org-trail' }, { name: 'org-logs' });
    acct.fail.GetEventSelectors = (arn) => {
      if (String(arn).endsWith('/org-trail'))
        throw new AwsCallError('GetEventSelectors', 'TrailNotFoundException', 'Unknown trail');
    };
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex[0]!.item).toMatchObject({ status: 'apply', details: { trail: 'management-events' } });
    acct.trails.splice(0, 1);
    const only = await planAlarm(acct.ports(), ctx);
    expect(only[0]!.item.reason).toMatch(
      /trail org-trail cannot be inspected \(GetEventSelectors: TrailNotFoundException: Unknown trail\)/,
    );
  });

  it('--log-group that no trail delivers to', async () => {
    const { acct, ctx } = setup();
    const ex = await planAlarm(acct.ports(), { ...ctx, logGroup: 'elsewhere' });
    expect(ex[0]!.item.reason).toMatch(/no CloudTrail trail delivers to log group elsewhere/);
  });

  it('a missing SNS topic', async () => {
    const { acct, ctx } = setup();
    const ex = await planAlarm(acct.ports(), { ...ctx, snsTopicArn: TOPIC });
    expect(ex.map((e) => e.item.status)).toEqual(['blocked', 'blocked']);
    expect(ex[1]!.item.reason).toMatch(/SNS topic .* does not exist/);
    expect(ex[1]!.item.checks.find((c) => c.name === 'sns-topic-exists')).toMatchObject({ ok: false });
  });

  it("an SNS topic outside the alarm's region", async () => {
    const { acct, ctx } = setup();
    const far = `arn:aws:sns:ap-south-1:${ACCOUNT}:t`;
    acct.topics.set(far, { topicArn: far });
    const ex = await planAlarm(acct.ports(), { ...ctx, snsTopicArn: far });
    expect(ex[1]!.item.reason).toMatch(/is in ap-south-1, but the alarm must live in us-east-1/);
  });
});

describe('self-encryption refusal: a key of this store must not protect the alarm chain', () => {
  it('the trail is encrypted with a store key (by ARN)', async () => {
    const { acct, ctx, storeKey } = setup();
    acct.trails[0]!.kmsKeyId = storeKey.arn;
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex.map((e) => e.item.status)).toEqual(['blocked', 'blocked']);
    expect(ex[0]!.item.reason).toMatch(
      new RegExp(`trail management-events is encrypted with ${storeKey.keyId}, a key of this store`),
    );
    expect(ex[0]!.item.checks.find((c) => c.name === 'no-self-encryption')).toMatchObject({ ok: false });
  });

  it('the log group is encrypted with a store key', async () => {
    const { acct, ctx, storeKey } = setup();
    acct.logGroups.get('aws-cloudtrail-logs')!.kmsKeyId = storeKey.arn;
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex[0]!.item.reason).toMatch(/log group aws-cloudtrail-logs is encrypted with .* a key of this store/);
  });

  it('the SNS topic is encrypted with a store key (by alias)', async () => {
    const { acct, ctx, storeKey } = setup();
    acct.aliases.set(storeKey.keyId, ['alias/sns-key']);
    acct.topics.set(TOPIC, { topicArn: TOPIC, kmsMasterKeyId: 'alias/sns-key' });
    const ex = await planAlarm(acct.ports(), { ...ctx, snsTopicArn: TOPIC });
    expect(ex[1]!.item.status).toBe('blocked');
    expect(ex[1]!.item.reason).toMatch(/SNS topic .*kms-alerts is encrypted with .* a key of this store/);
  });

  it('the topic of an existing alarm counts too when no topic is named', async () => {
    const { acct, ctx, storeKey } = setup();
    acct.topics.set(TOPIC, { topicArn: TOPIC });
    await applyAll(acct, { ...ctx, snsTopicArn: TOPIC });
    acct.topics.set(TOPIC, { topicArn: TOPIC, kmsMasterKeyId: storeKey.keyId });
    const ex = await planAlarm(acct.ports(), ctx);
    expect(ex[1]!.item.status).toBe('blocked');
  });

  it('keys outside the store, and AWS-managed aliases, are fine', async () => {
    const { acct, ctx } = setup();
    acct.trails[0]!.kmsKeyId = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
    acct.topics.set(TOPIC, { topicArn: TOPIC, kmsMasterKeyId: 'alias/aws/sns' });
    expect(await statuses(acct, { ...ctx, snsTopicArn: TOPIC })).toEqual([
      ['PutMetricFilter', 'apply'],
      ['PutMetricAlarm', 'apply'],
    ]);
  });
});

describe('recheck before apply', () => {
  it('a filter created by someone else since the plan turns the item into skip', async () => {
    const { acct, ctx } = setup();
    const ex = await planAlarm(acct.ports(), ctx);
    acct.filters.push({ ...metricFilterSpec('aws-cloudtrail-logs'), region: REGION });
    expect((await ex[0]!.recheck!()).status).toBe('skip');
  });
});

describe('alarmInPlace', () => {
  it('fails with what to run when nothing exists, override --no-alarm', async () => {
    const { acct, ctx } = setup();
    expect(await alarmInPlace(acct.ports(), ctx)).toEqual({
      name: 'alarm-in-place',
      ok: false,
      overrideFlag: '--no-alarm',
      detail: `no metric filter ${FILTER_NAME} on log group aws-cloudtrail-logs (us-east-1): run kscli alarm ${STORE_ID}`,
    });
  });

  it('passes once kscli alarm created it', async () => {
    const { acct, ctx } = setup();
    await applyAll(acct, ctx);
    expect(await alarmInPlace(acct.ports(), ctx)).toMatchObject({ name: 'alarm-in-place', ok: true });
  });

  it('fails when the alarm differs, or the trail stopped logging, or the chain is self-encrypted', async () => {
    const { acct, ctx, storeKey } = setup();
    await applyAll(acct, ctx);
    acct.alarms.get(`${REGION}/${ALARM_NAME}`)!.threshold = 5;
    expect((await alarmInPlace(acct.ports(), ctx)).detail).toMatch(/differs \(threshold: 5 -> 1\).*--replace/);
    acct.alarms.get(`${REGION}/${ALARM_NAME}`)!.threshold = 1;
    acct.logGroups.get('aws-cloudtrail-logs')!.kmsKeyId = storeKey.arn;
    expect((await alarmInPlace(acct.ports(), ctx)).detail).toMatch(/a key of this store/);
    acct.logGroups.get('aws-cloudtrail-logs')!.kmsKeyId = undefined;
    acct.trailStatus.set(acct.trails[0]!.arn, { isLogging: false });
    expect(await alarmInPlace(acct.ports(), ctx)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/not logging/),
    });
  });
});
