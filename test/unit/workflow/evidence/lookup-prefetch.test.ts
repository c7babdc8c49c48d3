import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../../src/errors.js';
import { gatherEvidence, POOL_SIZES } from '../../../../src/workflow/evidence/gather.js';
import { LookupPrefetch } from '../../../../src/workflow/evidence/lookup-prefetch.js';
import { EvidenceAccount, makeKey, SimClock } from './fake-aws.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const START = new Date(NOW.getTime() - 90 * 86_400_000);

describe('LookupEvents started as the scan finds the keys (issue 17)', () => {
  it('a 20 s scan no longer adds to the lookups: the run takes about max(scan, lookups / 2), not their sum', async () => {
    const clock = new SimClock();
    const acct = new EvidenceAccount({ clock, latencyMs: 150 });
    acct.keys = Array.from({ length: 40 }, () => makeKey());
    const aws = acct.ports();
    const started = clock.now();
    const run = async () => {
      const early = new LookupPrefetch(aws, START, POOL_SIZES.cloudTrail);
      // the scan hands over a key every 0.5 s (20 s in all), as DescribeKey walks a large account
      for (const k of acct.keys) {
        await clock.sleep(500);
        early.add(k);
      }
      return gatherEvidence(aws, acct.keys, { days: 90, now: NOW, lookups: early });
    };
    const evidence = await clock.run(run());
    const elapsedS = (clock.now() - started) / 1000;
    // one lookup per key, none asked twice
    expect(acct.callsOf('LookupEvents')).toHaveLength(40);
    // the first lookup went out during the scan, not after it
    expect(acct.callsOf('LookupEvents')[0]!.at).toBeLessThan(2000);
    // 40 lookups at 2/s (paced at 95%) take ~21 s; after the 20 s scan that was ~41 s
    expect(elapsedS).toBeLessThan(30);
    expect([...evidence.values()].every((e) => e.cloudTrail.status === 'ok')).toBe(true);
  });

  it('serves only its own window; a key never added, or a closed queue, is asked by the caller', async () => {
    const acct = new EvidenceAccount();
    acct.keys = [makeKey(), makeKey(), makeKey()];
    const aws = acct.ports();
    const early = new LookupPrefetch(aws, START, 1);
    early.add(acct.keys[0]!);
    early.add(acct.keys[1]!); // queued behind the first (one slot)
    early.close();
    expect(await early.take(acct.keys[0]!.arn, new Date(START.getTime() + 1))).toBeUndefined();
    expect((await early.take(acct.keys[0]!.arn, START))?.ok).toBe(true);
    // queued when closed: handed back
    expect(await early.take(acct.keys[1]!.arn, START)).toBeUndefined();
    expect(await early.take(acct.keys[2]!.arn, START)).toBeUndefined();
    const evidence = await gatherEvidence(aws, acct.keys, { days: 90, now: NOW, lookups: early });
    // the first key's lookup was served; the other two asked by gatherEvidence itself
    expect(acct.callsOf('LookupEvents')).toHaveLength(3);
    expect(evidence.size).toBe(3);
  });

  it('a failed prefetched lookup is the same gap as a failed direct one (never "no events")', async () => {
    const acct = new EvidenceAccount();
    acct.keys = [makeKey()];
    acct.fail.LookupEvents = () => {
      throw new AwsCallError('LookupEvents', 'UnsupportedOperationException', 'not supported');
    };
    const aws = acct.ports();
    const early = new LookupPrefetch(aws, START, 1);
    early.add(acct.keys[0]!);
    const evidence = await gatherEvidence(aws, acct.keys, { days: 90, now: NOW, lookups: early });
    expect(evidence.get(acct.keys[0]!.keyId)!.cloudTrail.status).not.toBe('ok');
    expect(acct.callsOf('LookupEvents')).toHaveLength(1);
  });
});
