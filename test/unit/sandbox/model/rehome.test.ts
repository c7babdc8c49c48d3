/** `sandbox reset --account-id` for the demo and large scenarios: nothing of 111122223333 is left. */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_STORE_ID } from '../../../../src/sandbox/model/index.js';
import { kms } from './helpers.js';

describe('re-homed scenarios', () => {
  it.each(['demo', 'large'] as const)(
    '%s with accountId: every ARN, policy and event carries the account asked for',
    (name) => {
      const state = scenario(name, {
        accountId: '444455556666',
        ...(name === 'large' ? { keys: 20, storeKeys: 5 } : {}),
      });
      const json = JSON.stringify(state);
      expect(json).not.toContain('111122223333');
      expect(json).toContain('arn:aws:kms:us-east-1:444455556666:');
      const m = createModel(state);
      const stores = kms(m, 'DescribeCustomKeyStores', {}).CustomKeyStores;
      expect(stores.map((s: { CustomKeyStoreId: string }) => s.CustomKeyStoreId)).toContain(DEMO_STORE_ID);
      const key = kms(m, 'ListKeys', {}).Keys[0];
      expect(kms(m, 'DescribeKey', { KeyId: key.KeyId }).KeyMetadata).toMatchObject({
        AWSAccountId: '444455556666',
        Arn: `arn:aws:kms:us-east-1:444455556666:key/${key.KeyId}`,
      });
    },
  );

  it('refuses an account ID that is not 12 digits', () => {
    expect(() => scenario('demo', { accountId: '1234' })).toThrow('account ID 1234 is not 12 digits');
  });
});
