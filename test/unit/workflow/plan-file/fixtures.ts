/** A small plan document for the plan-file unit tests: a CloudHSM store, three keys, an alarm. */
import {
  sealPlan,
  type Observations,
  type PlanFile,
  type UnsealedPlanFile,
} from '../../../../src/workflow/plan-file/index.js';

export const KEY_A = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
export const KEY_B = '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60';
export const KEY_P = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const STORE = 'cks-1234567890abcdef0';
export const CREATED = '2026-11-30T10:00:00.000Z';

export function unsealed(over: Partial<UnsealedPlanFile<Observations>> = {}): UnsealedPlanFile<Observations> {
  return {
    schemaVersion: 1,
    kind: 'kscli-plan',
    kscliVersion: '0.1.0',
    command: 'schedule-deletion',
    subject: {
      kind: 'store',
      id: STORE,
      account: '111122223333',
      region: 'us-east-1',
      label: 'legacy-hsm, AWS_CLOUDHSM, CONNECTED',
    },
    storeId: STORE,
    options: { windowDays: 30, allowDisconnected: false, key: [], excludeKey: [] },
    commandLine: `kscli schedule-deletion ${STORE} --window-days 30`,
    createdAt: CREATED,
    account: '111122223333',
    region: 'us-east-1',
    callerArn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
    blocked: false,
    blockedReasons: [],
    items: [
      {
        target: 'pending-deletion alarm',
        targetKind: 'alarm',
        action: 'CheckAlarm',
        status: 'skip',
        reason: 'already in place',
        checks: [{ name: 'alarm-in-place', ok: true }],
      },
      {
        target: KEY_A,
        targetKind: 'key',
        action: 'ScheduleKeyDeletion',
        status: 'apply',
        reason: 'schedule deletion in 30 days',
        checks: [
          { name: 'key-in-store', ok: true },
          { name: 'usage-verdict', ok: true, detail: 'no use since 2026-09-01' },
        ],
        params: { KeyId: KEY_A, PendingWindowInDays: 30 },
        details: { state: 'Enabled', aliases: ['alias/reports|archive'], verdict: 'unused' },
      },
      {
        target: KEY_B,
        targetKind: 'key',
        action: 'ScheduleKeyDeletion',
        status: 'apply',
        reason: 'schedule deletion in 30 days',
        checks: [{ name: 'key-in-store', ok: true }],
        params: { KeyId: KEY_B, PendingWindowInDays: 30 },
        details: { state: 'Disabled', verdict: 'unused' },
      },
      {
        target: KEY_P,
        targetKind: 'key',
        action: 'ScheduleKeyDeletion',
        status: 'skip',
        reason: 'already PendingDeletion (deletion on 2026-12-05T00:00:00.000Z)',
        checks: [],
      },
    ],
    overrides: [],
    warnings: ['AWS Security Hub control KMS.3 raises a CRITICAL finding'],
    observations: {
      store: {
        storeId: STORE,
        name: 'legacy-hsm',
        type: 'AWS_CLOUDHSM',
        connectionState: 'CONNECTED',
        clusterId: 'cluster-1a23b4cdefg',
        creationDate: '2024-01-01T00:00:00.000Z',
      },
      keys: [
        {
          keyId: KEY_A,
          state: 'Enabled',
          deletionDate: null,
          keyManager: 'CUSTOMER',
          aliases: ['alias/reports|archive'],
        },
        { keyId: KEY_B, state: 'Disabled', deletionDate: null, keyManager: 'CUSTOMER' },
        { keyId: KEY_P, state: 'PendingDeletion', deletionDate: '2026-12-05T00:00:00.000Z', keyManager: 'CUSTOMER' },
      ],
      verdicts: [
        {
          keyId: KEY_A,
          verdict: 'unused',
          reason: 'no use since 2026-09-01',
          window: { start: '2026-09-01T10:00:00.000Z', end: CREATED },
          failedAttempts: 0,
        },
        {
          keyId: KEY_B,
          verdict: 'unused',
          reason: 'no use since 2026-09-01',
          window: { start: '2026-09-01T10:00:00.000Z', end: CREATED },
          failedAttempts: 0,
        },
      ],
      alarm: {
        trail: 'management-events',
        logGroup: 'aws-cloudtrail-logs-111122223333',
        homeRegion: 'us-east-1',
        metricFilter: {
          filterPattern: '{ $.x = 1 }',
          metricName: 'KeyPendingDeletionUseCount',
          metricNamespace: 'kscli',
          metricValue: '1',
        },
        alarm: {
          alarmName: 'kscli-kms-key-pending-deletion-use',
          namespace: 'kscli',
          metricName: 'KeyPendingDeletionUseCount',
          statistic: 'Sum',
          period: 300,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          threshold: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: ['arn:aws:sns:us-east-1:111122223333:kms-alerts'],
        },
      },
    },
    ...over,
  };
}

export const plan = (over: Partial<UnsealedPlanFile<Observations>> = {}): PlanFile<Observations> =>
  sealPlan(unsealed(over));

/** A deep copy to mutate. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
