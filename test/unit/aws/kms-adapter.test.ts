import { SITE, serviceError, testClients } from './sdk-test-env.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CustomKeyStoreNotFoundException,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  GetKeyLastUsageCommand,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
  ListGrantsCommand,
  ListKeysCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { KmsAdapter } from '../../../src/aws/adapters/kms.js';
import type { KeyInfo } from '../../../src/aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../../../src/errors.js';

const STORE = 'cks-1234567890abcdef0';
const OTHER_STORE = 'cks-0fedcba0987654321';
const kms = mockClient(KMSClient);

function adapter(scanConcurrency = 4): KmsAdapter {
  const clients = testClients();
  return new KmsAdapter(() => clients.get('kms'), SITE, { scanConcurrency });
}

function meta(keyId: string, extra: Partial<KeyMetadata> = {}): KeyMetadata {
  return {
    KeyId: keyId,
    Arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    AWSAccountId: '111122223333',
    KeyState: 'Enabled',
    KeyManager: 'CUSTOMER',
    Origin: 'AWS_KMS',
    CreationDate: new Date('2024-01-02T03:04:05Z'),
    ...extra,
  };
}
const inStore = (keyId: string, extra: Partial<KeyMetadata> = {}) =>
  meta(keyId, { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: STORE, CloudHsmClusterId: 'cluster-abcdefghijk', ...extra });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

beforeEach(() => kms.reset());
afterEach(() => kms.reset());
// the unit project shares modules between files (vitest.config.ts): a class-level mock must not outlive this file
afterAll(() => kms.restore());

describe('scanKeys', () => {
  /** 3 ListKeys pages; k5 is deleted between ListKeys and DescribeKey; k2, k4, k8 are in the store. */
  function mockAccount(options: { page3Gate?: Promise<void> } = {}) {
    const listInputs: Array<Record<string, unknown>> = [];
    kms.on(ListKeysCommand).callsFake(async (input: { Marker?: string; Limit?: number }) => {
      listInputs.push({ ...input });
      if (!input.Marker)
        return { Keys: ['k1', 'k2', 'k3'].map((KeyId) => ({ KeyId })), NextMarker: 'm1', Truncated: true };
      if (input.Marker === 'm1')
        return { Keys: ['k4', 'k5', 'k6'].map((KeyId) => ({ KeyId })), NextMarker: 'm2', Truncated: true };
      await options.page3Gate;
      return { Keys: ['k7', 'k8'].map((KeyId) => ({ KeyId })), Truncated: false };
    });
    const described: string[] = [];
    kms.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }) => {
      described.push(input.KeyId);
      switch (input.KeyId) {
        case 'k5':
          throw new NotFoundException({ message: 'Key arn:... does not exist', $metadata: {} });
        case 'k2':
        case 'k8':
          return { KeyMetadata: inStore(input.KeyId) };
        case 'k4':
          return {
            KeyMetadata: inStore(input.KeyId, {
              KeyState: 'PendingDeletion',
              DeletionDate: new Date('2030-01-01T00:00:00Z'),
            }),
          };
        case 'k6':
          return { KeyMetadata: inStore(input.KeyId, { CustomKeyStoreId: OTHER_STORE }) };
        default:
          return { KeyMetadata: meta(input.KeyId) };
      }
    });
    return { listInputs, described };
  }

  const keepStore = (k: KeyInfo) => k.customKeyStoreId === STORE;

  it('pages ListKeys at 1000 per page, describes every key, and keeps only the selected ones in listing order', async () => {
    const { listInputs, described } = mockAccount();
    const keys = await adapter().scanKeys(keepStore);
    expect(keys.map((k) => k.keyId)).toEqual(['k2', 'k4', 'k8']);
    expect(listInputs).toEqual([{ Limit: 1000 }, { Limit: 1000, Marker: 'm1' }, { Limit: 1000, Marker: 'm2' }]);
    expect([...described].sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8']);
  });

  it('maps DescribeKey metadata to KeyInfo', async () => {
    mockAccount();
    const [, pending] = await adapter().scanKeys(keepStore);
    expect(pending).toEqual({
      keyId: 'k4',
      arn: 'arn:aws:kms:us-east-1:111122223333:key/k4',
      accountId: '111122223333',
      state: 'PendingDeletion',
      keyManager: 'CUSTOMER',
      origin: 'AWS_CLOUDHSM',
      customKeyStoreId: STORE,
      cloudHsmClusterId: 'cluster-abcdefghijk',
      creationDate: new Date('2024-01-02T03:04:05Z'),
      deletionDate: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('describes the keys of a page before asking for later pages (streaming, not list-then-describe)', async () => {
    let releasePage3!: () => void;
    const page3Gate = new Promise<void>((resolve) => (releasePage3 = resolve));
    const { described } = mockAccount({ page3Gate });
    kms.on(DescribeKeyCommand, { KeyId: 'k1' }).callsFake(async () => {
      described.push('k1');
      // the last page is held back until a key of the first page is being described
      releasePage3();
      return { KeyMetadata: meta('k1') };
    });
    const deadline = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('not streaming: page 3 waited for describes that never came')), 5000),
    );
    const keys = await Promise.race([adapter().scanKeys(keepStore), deadline]);
    expect((keys as KeyInfo[]).map((k) => k.keyId)).toEqual(['k2', 'k4', 'k8']);
  });

  it('reports progress: keys described so far and keys listed so far', async () => {
    mockAccount();
    const calls: Array<[number, number | undefined]> = [];
    await adapter().scanKeys(keepStore, (done, total) => calls.push([done, total]));
    expect(calls.at(-1)).toEqual([8, 8]);
    expect(calls.some(([, total]) => total === 3)).toBe(true);
    for (const [done, total] of calls) expect(done).toBeLessThanOrEqual(total!);
  });

  it('keeps at most `scanConcurrency` DescribeKey calls in flight', async () => {
    kms
      .on(ListKeysCommand)
      .resolves({ Keys: Array.from({ length: 50 }, (_, i) => ({ KeyId: `k${i}` })), Truncated: false });
    let inFlight = 0;
    let peak = 0;
    kms.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight -= 1;
      return { KeyMetadata: meta(input.KeyId) };
    });
    await adapter(7).scanKeys(() => false);
    expect(peak).toBe(7);
  });

  it('fails with the mapped error when DescribeKey is denied, after the calls in flight end', async () => {
    mockAccount();
    kms
      .on(DescribeKeyCommand, { KeyId: 'k3' })
      .rejects(
        serviceError(
          'AccessDeniedException',
          'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: kms:DescribeKey',
        ),
      );
    const error = await rejection(adapter().scanKeys(keepStore));
    expect(error).toBeInstanceOf(KscliError);
    expect((error as KscliError).exitCode).toBe(ExitCode.Credentials);
    expect((error as KscliError).message).toContain('kms:DescribeKey');
  });

  it('fails with the mapped error when ListKeys fails', async () => {
    kms
      .on(ListKeysCommand)
      .rejects(new KMSInternalException({ message: 'internal', $metadata: { httpStatusCode: 500, attempts: 5 } }));
    const error = await rejection(adapter().scanKeys(keepStore));
    expect(error).toBeInstanceOf(KscliError);
    expect((error as KscliError).exitCode).toBe(ExitCode.Failure);
    expect((error as KscliError).message).toContain('kms:ListKeys');
  });
});

describe('custom key stores', () => {
  it('describeStores pages DescribeCustomKeyStores and maps each entry', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    kms.on(DescribeCustomKeyStoresCommand).callsFake(async (input: { Marker?: string }) => {
      inputs.push({ ...input });
      if (!input.Marker) {
        return {
          CustomKeyStores: [
            {
              CustomKeyStoreId: STORE,
              CustomKeyStoreName: 'hsm-store',
              CustomKeyStoreType: 'AWS_CLOUDHSM',
              CloudHsmClusterId: 'cluster-abcdefghijk',
              ConnectionState: 'FAILED',
              ConnectionErrorCode: 'USER_LOCKED_OUT',
              CreationDate: new Date('2023-05-06T00:00:00Z'),
            },
          ],
          NextMarker: 'p2',
          Truncated: true,
        };
      }
      return {
        CustomKeyStores: [
          {
            CustomKeyStoreId: OTHER_STORE,
            CustomKeyStoreName: 'xks',
            CustomKeyStoreType: 'EXTERNAL_KEY_STORE',
            ConnectionState: 'CONNECTED',
            CreationDate: new Date('2024-05-06T00:00:00Z'),
          },
        ],
        Truncated: false,
      };
    });
    const stores = await adapter().describeStores();
    expect(inputs).toEqual([{ Limit: 1000 }, { Limit: 1000, Marker: 'p2' }]);
    expect(stores).toEqual([
      {
        id: STORE,
        name: 'hsm-store',
        type: 'AWS_CLOUDHSM',
        connectionState: 'FAILED',
        connectionErrorCode: 'USER_LOCKED_OUT',
        clusterId: 'cluster-abcdefghijk',
        creationDate: new Date('2023-05-06T00:00:00Z'),
      },
      {
        id: OTHER_STORE,
        name: 'xks',
        type: 'EXTERNAL_KEY_STORE',
        connectionState: 'CONNECTED',
        creationDate: new Date('2024-05-06T00:00:00Z'),
      },
    ]);
  });

  it('describeStore answers null for CustomKeyStoreNotFoundException', async () => {
    kms
      .on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: STORE })
      .rejects(new CustomKeyStoreNotFoundException({ message: 'no such store', $metadata: {} }));
    expect(await adapter().describeStore(STORE)).toBeNull();
  });

  it('describeStore filters by id', async () => {
    kms.on(DescribeCustomKeyStoresCommand, { CustomKeyStoreId: STORE }).resolves({
      CustomKeyStores: [
        {
          CustomKeyStoreId: STORE,
          CustomKeyStoreName: 'n',
          CloudHsmClusterId: 'cluster-x',
          ConnectionState: 'CONNECTED',
          CreationDate: new Date(0),
        },
      ],
    });
    const store = await adapter().describeStore(STORE);
    // no CustomKeyStoreType: an entry from before external key stores existed is a CloudHSM store
    expect(store).toMatchObject({ id: STORE, type: 'AWS_CLOUDHSM', clusterId: 'cluster-x' });
  });
});

describe('keys', () => {
  it('describeKey answers null for NotFoundException', async () => {
    kms.on(DescribeKeyCommand).rejects(new NotFoundException({ message: 'gone', $metadata: {} }));
    expect(await adapter().describeKey('alias/old')).toBeNull();
  });

  it('listGrants pages at 100 per page', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    kms.on(ListGrantsCommand).callsFake(async (input: { Marker?: string }) => {
      inputs.push({ ...input });
      return input.Marker
        ? { Grants: [{ GrantId: 'g2', Operations: ['Encrypt'] }], Truncated: false }
        : {
            Grants: [
              {
                GrantId: 'g1',
                Name: 'ebs',
                GranteePrincipal: 'ec2.amazonaws.com',
                Operations: ['Decrypt', 'GenerateDataKey'],
                CreationDate: new Date(1000),
              },
            ],
            NextMarker: 'n',
            Truncated: true,
          };
    });
    const grants = await adapter().listGrants('k1');
    expect(inputs).toEqual([
      { KeyId: 'k1', Limit: 100 },
      { KeyId: 'k1', Limit: 100, Marker: 'n' },
    ]);
    expect(grants).toEqual([
      {
        grantId: 'g1',
        name: 'ebs',
        granteePrincipal: 'ec2.amazonaws.com',
        operations: ['Decrypt', 'GenerateDataKey'],
        creationDate: new Date(1000),
      },
      { grantId: 'g2', operations: ['Encrypt'] },
    ]);
  });

  it('getKeyLastUsage maps an empty KeyLastUsage to no lastUsage', async () => {
    kms
      .on(GetKeyLastUsageCommand)
      .resolves({ KeyId: 'k1', TrackingStartDate: new Date(5000), KeyCreationDate: new Date(6000), KeyLastUsage: {} });
    expect(await adapter().getKeyLastUsage('k1')).toEqual({
      keyId: 'k1',
      trackingStartDate: new Date(5000),
      keyCreationDate: new Date(6000),
    });
    kms.on(GetKeyLastUsageCommand).resolves({
      KeyId: 'k1',
      KeyLastUsage: { Operation: 'Decrypt', Timestamp: new Date(7000), CloudTrailEventId: 'ev' },
    });
    expect((await adapter().getKeyLastUsage('k1')).lastUsage).toEqual({
      operation: 'Decrypt',
      timestamp: new Date(7000),
      cloudTrailEventId: 'ev',
    });
  });

  it('scheduleKeyDeletion returns the ARN, date and state AWS answered', async () => {
    kms.on(ScheduleKeyDeletionCommand, { KeyId: 'k1', PendingWindowInDays: 7 }).resolves({
      KeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
      DeletionDate: new Date('2030-01-08T00:00:00Z'),
      KeyState: 'PendingDeletion',
      PendingWindowInDays: 7,
    });
    expect(await adapter().scheduleKeyDeletion('k1', 7)).toEqual({
      keyArn: 'arn:aws:kms:us-east-1:111122223333:key/k1',
      deletionDate: new Date('2030-01-08T00:00:00Z'),
      keyState: 'PendingDeletion',
      pendingWindowInDays: 7,
    });
  });

  it('passes KMSInvalidStateException to the workflow as AwsCallError with its code and message', async () => {
    kms.on(ScheduleKeyDeletionCommand).rejects(
      new KMSInvalidStateException({
        message: 'arn:aws:kms:us-east-1:111122223333:key/k1 is pending deletion.',
        $metadata: { httpStatusCode: 400, requestId: 'rq-9' },
      }),
    );
    const error = await rejection(adapter().scheduleKeyDeletion('k1', 30));
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'ScheduleKeyDeletion',
      code: 'KMSInvalidStateException',
      message: 'arn:aws:kms:us-east-1:111122223333:key/k1 is pending deletion.',
      httpStatus: 400,
      requestId: 'rq-9',
    });
  });
});
