/**
 * The rule for the types searched only through AWS Config (EFS, SNS, SQS, Lambda, Kinesis,
 * Redshift, CloudTrail, OpenSearch: resource-types.ts, README "Data at rest"): where the recorder
 * does not record them they are listed as not searched, with why, and they do not make the key
 * `unknown`; a core type in the same state does.
 */
import { describe, expect, it } from 'vitest';
import { FakeAccount } from '../../../fakes/fake-aws.js';
import { gatherDependents } from '../../../../../src/workflow/evidence/dependents/gather.js';
import { RESOURCE_TYPES } from '../../../../../src/workflow/evidence/dependents/resource-types.js';

const REGION = 'eu-west-1';
const CONFIG_ONLY = RESOURCE_TYPES.filter((t) => !t.core).map((t) => t.type);

describe('types searched only through Config', () => {
  it('not recorded: listed as not searched with the reason, and the key stays none-found (not a gap)', async () => {
    const acct = new FakeAccount({ region: REGION });
    const key = acct.addKey({ store: acct.addStore() });
    // the recorder records every core type Config can record, none of the Config-only ones
    acct.data.record(RESOURCE_TYPES.filter((t) => t.core && t.configPaths.length > 0).map((t) => t.type));
    const r = await gatherDependents(acct.ports(), [key], { mode: 'auto', region: REGION });
    const d = r.byKey.get(key.keyId)!;
    expect(d.status).toBe('none-found');
    expect(d.gaps).toEqual([]);
    for (const type of CONFIG_ONLY) {
      const c = r.run.coverage.find((x) => x.resourceType === type)!;
      expect(c, type).toMatchObject({ by: 'not-covered', core: false });
      expect(c.reason, type).toMatch(/not recorded by the Config recorder/);
    }
    expect(CONFIG_ONLY).toEqual(
      expect.arrayContaining(['AWS::EFS::FileSystem', 'AWS::SQS::Queue', 'AWS::Lambda::Function']),
    );
  });

  it('a core type in the same state is a gap: the rule is about the Config-only types alone', async () => {
    const acct = new FakeAccount({ region: REGION });
    const key = acct.addKey({ store: acct.addStore() });
    acct.data.record([]);
    const r = await gatherDependents(acct.ports(), [key], { mode: 'config', region: REGION });
    expect(r.byKey.get(key.keyId)!.status).toBe('gap');
  });
});
