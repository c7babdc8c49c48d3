/**
 * The property test must be able to fail: the same engine (helpers/schedule-engine.ts) is played
 * against kscli with one deliberate bug slipped under it (a wrapper around its AWS ports), and each
 * bug must be caught by the invariant named for it. If one of these passes, the invariants have
 * gone blind to that class of bug.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AwsPorts, KmsPort } from '../../src/aws/ports.js';
import { DEMO_STORE_ID } from '../../src/sandbox/model/index.js';
import { play, realPorts, removeHomes, scenarioArb } from './helpers/schedule-engine.js';

afterAll(() => removeHomes());

/** kscli's ports with some KmsPort methods replaced. */
function withKms(overrides: (real: KmsPort) => Partial<KmsPort>): AwsPorts {
  const real = realPorts.kms();
  const replaced = overrides(real);
  const kms = new Proxy(real, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in replaced) return (replaced as Record<string, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { ...realPorts, region: realPorts.region, kms: () => kms };
}

const SABOTAGES: Array<{ name: string; ports: AwsPorts; caughtBy: RegExp }> = [
  {
    name: 'the key scan misses keys pending deletion (delete-store then disconnects and deletes too early)',
    ports: withKms((real) => ({ scanKeys: (keep, progress) => real.scanKeys((k) => keep(k) && k.state !== 'PendingDeletion', progress) })),
    caughtBy: /^(S2|S3) /m,
  },
  {
    name: 'DescribeKey reports every key in the demo store (a --key of another store passes the key-in-store check)',
    ports: withKms((real) => ({
      describeKey: async (ref) => {
        const k = await real.describeKey(ref);
        return k && k.keyManager === 'CUSTOMER' ? { ...k, customKeyStoreId: DEMO_STORE_ID } : k;
      },
    })),
    caughtBy: /^S1 /m,
  },
  {
    name: 'cancel-deletion also disables the key with a call it does not journal',
    ports: withKms((real) => ({
      cancelKeyDeletion: async (keyId) => {
        await real.cancelKeyDeletion(keyId);
        await real.disableKey(keyId);
      },
    })),
    caughtBy: /^J1 DisableKey/m,
  },
  {
    name: 'the store always reads CONNECTED (a key is scheduled on a disconnected CloudHSM store)',
    ports: withKms((real) => ({
      describeStore: async (id) => {
        const s = await real.describeStore(id);
        return s && { ...s, connectionState: 'CONNECTED' };
      },
    })),
    caughtBy: /^S4 /m,
  },
];

describe('the invariants catch a sabotaged kscli', () => {
  for (const sabotage of SABOTAGES) {
    it(sabotage.name, { timeout: 300_000 }, async () => {
      const details = await fc.check(
        fc.asyncProperty(scenarioArb, async (spec) => {
          try {
            await play(spec, sabotage.ports);
          } catch (err) {
            // a sabotaged kscli breaks in many ways; only the invariant named for this bug counts
            if (sabotage.caughtBy.test((err as Error).message)) throw err;
          }
        }),
        // no shrinking: any counterexample will do, and a stable seed keeps the test deterministic
        { numRuns: 400, seed: 20261123, endOnFailure: true },
      );
      expect(details.failed, 'the sabotage went unnoticed in 400 generated runs').toBe(true);
      expect(String((details.errorInstance as Error | undefined)?.message)).toMatch(sabotage.caughtBy);
    });
  }
});
