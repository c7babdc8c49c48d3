import { describe, expect, it } from 'vitest';
import { compareObservations, planDifferences, type Observations } from '../../../../src/workflow/plan-file/index.js';
import { clone, KEY_A, KEY_B, KEY_P, plan } from './fixtures.js';

const saved = (): Observations => clone(plan().observations);

describe('the differences that refuse an apply (one line each)', () => {
  it('the same world: none', () => {
    expect(compareObservations(saved(), saved())).toEqual([]);
    expect(planDifferences(plan(), plan())).toEqual([]);
  });
  it('a key state changed', () => {
    const now = saved();
    now.keys[1]!.state = 'Enabled';
    expect(compareObservations(saved(), now)).toEqual([`key ${KEY_B} was Disabled, is now Enabled`]);
  });
  it('a key scheduled by someone else', () => {
    const now = saved();
    Object.assign(now.keys[0]!, { state: 'PendingDeletion', deletionDate: '2026-12-07T00:00:00.000Z' });
    expect(compareObservations(saved(), now)).toEqual([
      `key ${KEY_A} was Enabled, is now PendingDeletion (deletion on 2026-12-07)`,
    ]);
  });
  it('a key deleted since the plan', () => {
    const now = saved();
    now.keys.splice(2, 1);
    expect(compareObservations(saved(), now)).toEqual([
      `key ${KEY_P} no longer exists: deleted since the plan (it was PendingDeletion (deletion on 2026-12-05))`,
    ]);
  });
  it('a deletion cancelled and scheduled again: the date moved', () => {
    const now = saved();
    now.keys[2]!.deletionDate = '2026-12-20T00:00:00.000Z';
    expect(compareObservations(saved(), now)).toEqual([
      `key ${KEY_P}: deletion date was 2026-12-05T00:00:00.000Z, is now 2026-12-20T00:00:00.000Z`,
    ]);
  });
  it('a new key appeared in the store', () => {
    const now = saved();
    now.keys.push({ keyId: 'ffffffff-0000-4000-8000-000000000001', state: 'Enabled', deletionDate: null });
    expect(compareObservations(saved(), now)).toEqual([
      'a new key appeared in the store: ffffffff-0000-4000-8000-000000000001 (Enabled)',
    ]);
  });
  it('an alias moved to another key', () => {
    const now = saved();
    now.keys[0]!.aliases = [];
    expect(compareObservations(saved(), now)).toEqual([
      `key ${KEY_A}: aliases were alias/reports|archive, are now none`,
    ]);
  });
  it('the store disconnected, or deleted', () => {
    const now = saved();
    now.store.connectionState = 'DISCONNECTED';
    expect(compareObservations(saved(), now)).toEqual([
      'store cks-1234567890abcdef0 was CONNECTED, is now DISCONNECTED',
    ]);
    expect(compareObservations(saved(), null)).toEqual(['store cks-1234567890abcdef0 no longer exists']);
  });
  it('a verdict flipped by new use names the use', () => {
    const now = saved();
    Object.assign(now.verdicts![0]!, {
      verdict: 'in-use',
      newestUse: {
        operation: 'Decrypt',
        time: '2026-12-01T08:00:00.000Z',
        principal: 'arn:aws:iam::111122223333:role/app',
      },
    });
    expect(compareObservations(saved(), now)).toEqual([
      `verdict of ${KEY_A} changed: unused → in-use (Decrypt 2026-12-01 by arn:aws:iam::111122223333:role/app)`,
    ]);
  });
  it('a verdict flipped by failed attempts says so', () => {
    const now = saved();
    Object.assign(now.verdicts![1]!, { verdict: 'in-use', failedAttempts: 2 });
    expect(compareObservations(saved(), now)).toEqual([
      `verdict of ${KEY_B} changed: unused → in-use (2 failed attempt(s))`,
    ]);
  });
  it('a verdict no longer established is said once, unless the key line already explains it', () => {
    const now = saved();
    now.verdicts!.splice(0, 1);
    expect(compareObservations(saved(), now)).toEqual([
      `the usage of key ${KEY_A} was not established again (it was unused)`,
    ]);
    now.keys[0]!.state = 'PendingDeletion';
    expect(compareObservations(saved(), now)).toEqual([`key ${KEY_A} was Enabled, is now PendingDeletion`]);
  });
  it('the alarm removed, the filter removed, the alarm changed, the trail changed', () => {
    let now = saved();
    now.alarm!.alarm = null;
    expect(compareObservations(saved(), now)).toEqual([
      'the alarm kscli-kms-key-pending-deletion-use in us-east-1 was removed',
    ]);
    now = saved();
    now.alarm!.metricFilter = null;
    expect(compareObservations(saved(), now)).toEqual([
      'the metric filter kscli-kms-key-pending-deletion-use on aws-cloudtrail-logs-111122223333 was removed',
    ]);
    now = saved();
    now.alarm!.alarm!.threshold = 5;
    now.alarm!.alarm!.alarmActions = [];
    expect(compareObservations(saved(), now)).toEqual([
      "the alarm's configuration changed: threshold 1 → 5; actions arn:aws:sns:us-east-1:111122223333:kms-alerts → none",
    ]);
    now = saved();
    now.alarm!.trail = null;
    expect(compareObservations(saved(), now)[0]).toBe(
      'the trail that feeds the alarm was management-events, is now none suitable',
    );
  });
  it('an alarm that appeared since the plan (the plan would have created it)', () => {
    const before = saved();
    before.alarm!.alarm = null;
    expect(compareObservations(before, saved())).toEqual([
      'the alarm kscli-kms-key-pending-deletion-use now exists (it did not when the plan was made)',
    ]);
  });
  it('backups: gone, changed state, new', () => {
    const before = {
      ...saved(),
      backups: [
        { backupId: 'backup-1', clusterId: 'c', state: 'READY' },
        { backupId: 'backup-2', clusterId: 'c', state: 'READY' },
      ],
    };
    const after = {
      ...saved(),
      backups: [
        { backupId: 'backup-2', clusterId: 'c', state: 'PENDING_DELETION' },
        { backupId: 'backup-3', clusterId: 'c', state: 'READY' },
      ],
    };
    expect(compareObservations(before, after)).toEqual([
      'backup backup-1 no longer exists (it was READY)',
      'backup backup-2 was READY, is now PENDING_DELETION',
      'a new backup appeared: backup-3 (READY)',
    ]);
  });
  it('plan lines that changed although no observation did are listed too', () => {
    const fresh = clone(plan());
    fresh.items[2]!.status = 'blocked';
    fresh.items[2]!.reason = 'state Updating';
    expect(planDifferences(plan(), fresh)).toEqual([
      `ScheduleKeyDeletion ${KEY_B} was apply, is now blocked: state Updating`,
    ]);
  });
  it('plan lines already explained by an observation are not repeated', () => {
    const fresh = clone(plan());
    fresh.observations.keys[1]!.state = 'PendingDeletion';
    fresh.items[2]!.status = 'skip';
    expect(planDifferences(plan(), fresh)).toEqual([`key ${KEY_B} was Disabled, is now PendingDeletion`]);
  });
  it('a line the saved plan lacks is a difference (never act on a key the plan did not list)', () => {
    const fresh = clone(plan());
    fresh.items.push({
      target: 'eeeeeeee-0000-4000-8000-000000000009',
      targetKind: 'key',
      action: 'ScheduleKeyDeletion',
      status: 'apply',
      reason: 'schedule',
      checks: [],
    });
    expect(planDifferences(plan(), fresh)).toEqual([
      'the plan computed now has a line the saved plan lacks: ScheduleKeyDeletion eeeeeeee-0000-4000-8000-000000000009 (apply: schedule)',
    ]);
  });
});

describe('skip lines that come or go decide nothing', () => {
  it('are not reported as differences', () => {
    const fresh = clone(plan());
    fresh.items.splice(0, 1); // the alarm line (skip)
    fresh.items.push({
      target: 'x',
      targetKind: 'key',
      action: 'ScheduleKeyDeletion',
      status: 'skip',
      reason: 'excluded',
      checks: [],
    });
    expect(planDifferences(plan(), fresh)).toEqual([]);
  });
});
