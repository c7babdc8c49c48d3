import { describe, expect, it } from 'vitest';
import { gatherEvidence } from '../../../../src/workflow/evidence/gather.js';
import { assessKeys } from '../../../../src/workflow/evidence/index.js';
import { AwsCallError, ExitCode, KscliError } from '../../../../src/errors.js';
import { EvidenceAccount, kmsEvent, makeKey, SimClock, type CallRecord } from './fake-aws.js';

const NOW = new Date('2026-11-23T12:00:00Z');

/** The most calls of `op` in any one-second window [t, t + 1000). */
function maxPerSecond(calls: CallRecord[]): number {
  let max = 0;
  for (let i = 0; i < calls.length; i++) {
    let n = 0;
    for (let j = i; j < calls.length && calls[j]!.at < calls[i]!.at + 1000; j++) n++;
    max = Math.max(max, n);
  }
  return max;
}

describe('gathering under the quotas (GetKeyLastUsage 5/s, LookupEvents 2/s)', () => {
  it('keeps both paced operations busy at the same time: about max(N/5, lookups/2), not their sum', async () => {
    const clock = new SimClock();
    const acct = new EvidenceAccount({ clock, latencyMs: 150 });
    acct.keys = Array.from({ length: 60 }, () => makeKey());
    // a third of the keys are busy: three pages of CloudTrail history each
    acct.keys.forEach((k, i) => acct.lookupPages.set(k.arn, i % 3 === 0 ? 3 : 1));
    const lookups = 20 * 3 + 40;
    const progress: Array<[number, number | undefined]> = [];

    const started = clock.now();
    const evidence = await clock.run(
      gatherEvidence(acct.ports(), acct.keys, { days: 90, now: NOW, onProgress: (d, t) => progress.push([d, t]) }),
    );
    const elapsedS = (clock.now() - started) / 1000;

    const glu = acct.callsOf('GetKeyLastUsage');
    const le = acct.callsOf('LookupEvents');
    expect(glu).toHaveLength(60);
    expect(le).toHaveLength(lookups);
    expect(maxPerSecond(glu)).toBeLessThanOrEqual(5);
    expect(maxPerSecond(le)).toBeLessThanOrEqual(2);

    // the floor the quotas force (paced at 95% of each quota by the adapters)
    const floor = Math.max(60 / (5 * 0.95), lookups / (2 * 0.95));
    const serial = 60 / (5 * 0.95) + lookups / (2 * 0.95);
    expect(elapsedS).toBeGreaterThanOrEqual(floor - 1.5);
    expect(elapsedS).toBeLessThan(floor * 1.05 + 1);
    expect(elapsedS).toBeLessThan(serial * 0.85);
    // GetKeyLastUsage finished long before the lookups: both ran side by side from the start
    expect(glu.at(-1)!.at / 1000).toBeLessThan(60 / (5 * 0.95) + 1);
    expect(le[0]!.at).toBeLessThan(1000);

    expect(evidence.size).toBe(60);
    expect(progress.at(0)).toEqual([0, 60]);
    expect(progress.at(-1)).toEqual([60, 60]);
  });

  it('returns the evidence in key order with every section read', async () => {
    const acct = new EvidenceAccount();
    const key = makeKey();
    acct.keys = [key];
    acct.aliases.set(key.keyId, ['alias/b', 'alias/a']);
    acct.grants.set(key.keyId, [{ grantId: 'g', granteePrincipal: 'ebs.amazonaws.com', operations: ['Decrypt'] }]);
    acct.events.set(key.arn, [
      kmsEvent(key, 'Decrypt', new Date('2026-11-20T00:00:00Z')),
      kmsEvent(key, 'DescribeKey', new Date('2026-11-21T00:00:00Z')),
    ]);
    const ev = (await gatherEvidence(acct.ports(), acct.keys, { days: 30, now: NOW })).get(key.keyId)!;
    expect(ev.aliases).toEqual({ status: 'ok', names: ['alias/a', 'alias/b'] });
    expect(ev.grants.grants[0]!.awsService).toBe(true);
    expect(ev.policyPrincipals.principals[0]!.kind).toBe('account');
    expect(ev.cloudTrail).toMatchObject({
      status: 'ok',
      operations: { Decrypt: 1 },
      ignoredEventCount: 1,
      window: { start: new Date('2026-10-24T12:00:00Z'), end: NOW },
    });
    expect(acct.callsOf('LookupEvents')[0]!.arg).toBe(key.arn);
  });

  it('a failing source becomes a gap for that key only, and the verdict says so', async () => {
    const acct = new EvidenceAccount();
    const [a, b] = [makeKey(), makeKey()];
    acct.keys = [a, b];
    acct.fail.GetKeyLastUsage = (id) => {
      if (id === a.keyId)
        throw new KscliError(
          ExitCode.Credentials,
          'AccessDeniedException: not authorized to perform kms:GetKeyLastUsage',
        );
    };
    acct.fail.LookupEvents = (q) => {
      if (q.attributeValue === a.arn)
        throw new AwsCallError('LookupEvents', 'UnsupportedOperationException', 'not supported');
    };
    acct.fail.GetKeyPolicy = (id) => {
      if (id === a.keyId) throw new KscliError(ExitCode.Credentials, 'AccessDeniedException on GetKeyPolicy');
    };
    const r = await assessKeys(acct.ports(), acct.keys, { allowInUse: false, allowUnknownUsage: false, now: NOW });
    const ea = r.get(a.keyId)!;
    expect(ea.evidence.lastUsage.status).toBe('access-denied');
    expect(ea.evidence.cloudTrail).toMatchObject({
      status: 'unavailable',
      error: 'LookupEvents: UnsupportedOperationException: not supported',
    });
    expect(ea.evidence.policyPrincipals.status).toBe('access-denied');
    expect(ea.verdict).toBe('unknown');
    expect(r.get(b.keyId)!.verdict).toBe('unused');
  });

  it('a bug (not an AWS answer) is not hidden as a gap', async () => {
    const acct = new EvidenceAccount();
    acct.keys = [makeKey()];
    acct.fail.ListGrants = () => {
      throw new TypeError('boom');
    };
    await expect(gatherEvidence(acct.ports(), acct.keys, { days: 90, now: NOW })).rejects.toThrow('boom');
  });
});

describe('assessKeys: the usage-verdict check', () => {
  async function assessOne(
    setup: (acct: EvidenceAccount, key: ReturnType<typeof makeKey>) => void,
    flags: { allowInUse?: boolean; allowUnknownUsage?: boolean } = {},
  ) {
    const acct = new EvidenceAccount();
    const key = makeKey();
    acct.keys = [key];
    setup(acct, key);
    const r = await assessKeys(acct.ports(), acct.keys, {
      allowInUse: false,
      allowUnknownUsage: false,
      ...flags,
      now: NOW,
    });
    return r.get(key.keyId)!;
  }
  const inUse = (acct: EvidenceAccount, key: ReturnType<typeof makeKey>) =>
    acct.lastUsage.set(key.keyId, {
      trackingStartDate: new Date('2024-01-01'),
      lastUsage: { operation: 'Decrypt', timestamp: new Date('2026-11-22') },
    });
  const unknown = (acct: EvidenceAccount) =>
    (acct.fail.LookupEvents = () => {
      throw new KscliError(ExitCode.Credentials, 'AccessDenied on LookupEvents');
    });

  it('unused passes', async () => {
    const a = await assessOne(() => {});
    expect(a.verdict).toBe('unused');
    expect(a.check).toMatchObject({ name: 'usage-verdict', ok: true });
  });
  it('in-use blocks with --allow-in-use as override', async () => {
    const a = await assessOne(inUse);
    expect(a.check).toEqual({
      name: 'usage-verdict',
      ok: false,
      detail: expect.stringMatching(/^GetKeyLastUsage: Decrypt on 2026-11-22/),
      overrideFlag: '--allow-in-use',
    });
  });
  it('in-use with --allow-in-use stays failed but overridden', async () => {
    const a = await assessOne(inUse, { allowInUse: true });
    expect(a.check).toMatchObject({ ok: false, overridden: true, overrideFlag: '--allow-in-use' });
  });
  it('--allow-unknown-usage does not override in-use', async () => {
    const a = await assessOne(inUse, { allowUnknownUsage: true });
    expect(a.check.overridden).toBeUndefined();
  });
  it('unknown blocks with --allow-unknown-usage as override', async () => {
    const a = await assessOne(unknown);
    expect(a.check).toMatchObject({
      ok: false,
      overrideFlag: '--allow-unknown-usage',
      detail: expect.stringMatching(/^no use found, but CloudTrail LookupEvents access-denied/),
    });
    expect(a.check.overridden).toBeUndefined();
    const b = await assessOne(unknown, { allowUnknownUsage: true });
    expect(b.check.overridden).toBe(true);
  });
});
