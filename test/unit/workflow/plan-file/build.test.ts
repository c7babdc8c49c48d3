import { describe, expect, it } from 'vitest';
import { FakeAccount } from '../../fakes/fake-aws.js';
import { stubEvidence } from '../../fakes/evidence.js';
import type { StepContext } from '../../../../src/workflow/context.js';
import { planScheduleDeletion } from '../../../../src/workflow/schedule-deletion.js';
import { listStoreKeys } from '../../../../src/workflow/inventory.js';
import {
  buildPlanFile,
  computeDigest,
  observationsOf,
  planDifferences,
  recordingEvidence,
  serializePlan,
} from '../../../../src/workflow/plan-file/index.js';
import { schemaErrors } from '../../../../src/commands/published-schemas.js';
import type { StoreInfo } from '../../../../src/aws/ports.js';

function ctxOf(a: FakeAccount, store: StoreInfo): StepContext {
  return { aws: a.ports(), clock: a.clock, region: a.region, store, say: () => {} };
}

async function makePlan(
  a: FakeAccount,
  store: StoreInfo,
  verdicts: Record<string, 'in-use' | 'unused' | 'unknown'> = {},
  allowInUse = false,
) {
  const rec = recordingEvidence(stubEvidence({ verdicts, alarmInPlace: true }));
  const keys = await listStoreKeys(a.ports(), store.id);
  const s = (await a.kms().describeStore(store.id))!;
  const evidence = { allowInUse, allowUnknownUsage: false, alarm: true };
  const planned = await planScheduleDeletion(
    ctxOf(a, s),
    rec.port,
    keys,
    { include: [], exclude: [] },
    { windowDays: 7, allowDisconnected: false, evidence },
  );
  return buildPlanFile({
    command: 'schedule-deletion',
    storeId: store.id,
    options: { windowDays: 7, allowDisconnected: false, evidence },
    commandLine: `kscli schedule-deletion ${store.id} --window-days 7`,
    kscliVersion: '0.1.0',
    now: a.clock.now(),
    account: a.accountId,
    region: a.region,
    callerArn: a.identity.arn,
    store: s,
    keys,
    planned,
    verdicts: rec.verdicts(),
  });
}

describe('building a plan file from the planner', () => {
  it('holds the command, identity, every item with its params, the observations and a valid digest', async () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const k1 = a.addKey({ store: s, state: 'Enabled', aliases: ['alias/one'] });
    const k2 = a.addKey({ store: s, state: 'PendingDeletion' });
    const p = await makePlan(a, s);
    expect(p).toMatchObject({
      schemaVersion: 1,
      kind: 'kscli-plan',
      command: 'schedule-deletion',
      account: a.accountId,
      region: a.region,
      callerArn: a.identity.arn,
      blocked: false,
    });
    expect(p.digest).toBe(computeDigest(p));
    const item = p.items.find((i) => i.target === k1.keyId)!;
    expect(item).toMatchObject({
      status: 'apply',
      action: 'ScheduleKeyDeletion',
      params: { KeyId: k1.keyId, PendingWindowInDays: 7 },
    });
    expect(item.details).not.toHaveProperty('params');
    expect(p.items.find((i) => i.target === k2.keyId)!.status).toBe('skip');
    expect(p.observations.store.connectionState).toBe('CONNECTED');
    expect(p.observations.keys.map((k) => [k.keyId, k.state])).toEqual(
      [
        [k1.keyId, 'Enabled'],
        [k2.keyId, 'PendingDeletion'],
      ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
    );
    expect(p.observations.keys.find((k) => k.keyId === k1.keyId)!.aliases).toEqual(['alias/one']);
    // the recorder caught the verdict of the key the planner assessed, with its window
    expect(p.observations.verdicts).toEqual([
      expect.objectContaining({
        keyId: k1.keyId,
        verdict: 'unused',
        window: { start: expect.any(String), end: a.clock.now().toISOString() },
      }),
    ]);
    expect(p.overrides).toEqual([]);
    // the published schema (schemas/plan-file.json) describes the file exactly
    expect(schemaErrors('plan-file', JSON.parse(serializePlan(p)))).toEqual([]);
  });

  it('a blocked plan is marked so, with its reasons; overrides name who took them', async () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const k = a.addKey({ store: s, state: 'Enabled' });
    const blocked = await makePlan(a, s, { [k.keyId]: 'in-use' });
    expect(blocked.blocked).toBe(true);
    expect(blocked.blockedReasons).toEqual([expect.stringContaining(`${k.keyId}: in-use`)]);
    const overridden = await makePlan(a, s, { [k.keyId]: 'in-use' }, true);
    expect(overridden.blocked).toBe(false);
    expect(overridden.overrides).toEqual([{ flag: '--allow-in-use', by: a.identity.arn }]);
  });

  it('planned again on an unchanged account: no difference; after a change: exactly that one', async () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const k = a.addKey({ store: s, state: 'Enabled' });
    const first = await makePlan(a, s);
    a.clock.advance(3_600_000);
    const again = await makePlan(a, s);
    expect(planDifferences(first, again)).toEqual([]);
    expect(again.digest).not.toBe(first.digest); // a later creation time: another plan
    a.addKey({ store: s, state: 'Enabled', keyId: 'abcdabcd-0000-4000-8000-000000000001' } as any);
    await a.kms().disableKey(k.keyId);
    const changed = await makePlan(a, s);
    expect(planDifferences(first, changed)).toEqual([
      `key ${k.keyId} was Enabled, is now Disabled`,
      'a new key appeared in the store: abcdabcd-0000-4000-8000-000000000001 (Enabled)',
    ]);
  });

  it('observationsOf a plan that rests on no evidence has no verdicts section', () => {
    const a = new FakeAccount();
    const s = a.addStore();
    const obs = observationsOf({ store: s, keys: [], planned: { warnings: [], overrides: [], executables: [] } });
    expect(obs).toEqual({ store: expect.objectContaining({ storeId: s.id }), keys: [] });
  });
});
