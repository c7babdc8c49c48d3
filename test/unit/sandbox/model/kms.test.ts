/** KMS key operations: KeyId forms, listing and paging, policy, grants, usage and cryptography. */
import { describe, expect, it } from 'vitest';
import {
  createModel,
  scenario,
  DEMO_KEYS,
  DEMO_STORE_ID,
  DEMO_XKS_STORE_ID,
} from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { b64, callError, kms } from './helpers.js';

const arnOf = (id: string): string => `arn:aws:kms:us-east-1:111122223333:key/${id}`;

describe('DescribeKey', () => {
  const m = createModel(scenario('demo'));
  it.each([
    ['key id', DEMO_KEYS.used],
    ['key ARN', arnOf(DEMO_KEYS.used)],
    ['alias name', 'alias/payments-legacy'],
    ['alias ARN', 'arn:aws:kms:us-east-1:111122223333:alias/payments-legacy'],
  ])('finds a key by %s', (_form, keyId) => {
    const md = kms(m, 'DescribeKey', { KeyId: keyId }).KeyMetadata;
    expect(md).toMatchObject({
      KeyId: DEMO_KEYS.used,
      Arn: arnOf(DEMO_KEYS.used),
      AWSAccountId: '111122223333',
      KeyState: 'Enabled',
      Enabled: true,
      Origin: 'AWS_CLOUDHSM',
      KeyManager: 'CUSTOMER',
      CustomKeyStoreId: DEMO_STORE_ID,
      CloudHsmClusterId: 'cluster-1a23b4cdefg',
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
    expect(md.CreationDate).toBeInstanceOf(Date);
    expect(md).not.toHaveProperty('CustomKeyStoreType');
    expect(md).not.toHaveProperty('DeletionDate');
  });

  it('NotFoundException for unknown keys and aliases', () => {
    expect(callError(m, 'kms', 'DescribeKey', { KeyId: '00000000-0000-4000-8000-000000000000' }).code).toBe(
      'NotFoundException',
    );
    expect(callError(m, 'kms', 'DescribeKey', { KeyId: 'alias/nope' }).message).toBe(
      'Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.',
    );
    expect(
      callError(m, 'kms', 'DescribeKey', {
        KeyId: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000',
      }).code,
    ).toBe('NotFoundException');
    expect(callError(m, 'kms', 'DescribeKey', { KeyId: 'arn:aws:kms:nonsense' }).code).toBe('InvalidArnException');
  });

  it('PendingDeletion keys show DeletionDate', () => {
    const md = kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.pending }).KeyMetadata;
    expect(md.KeyState).toBe('PendingDeletion');
    expect(md.Enabled).toBe(false);
    expect(md.DeletionDate.getTime() - m.now().getTime()).toBeGreaterThan(4.9 * 86_400_000);
  });

  it('operations documented as "key ID or key ARN" refuse aliases', () => {
    expect(callError(m, 'kms', 'ScheduleKeyDeletion', { KeyId: 'alias/payments-legacy' }).code).toBe(
      'NotFoundException',
    );
    expect(
      callError(m, 'kms', 'ScheduleKeyDeletion', { KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/payments-legacy' })
        .code,
    ).toBe('InvalidArnException');
    expect(callError(m, 'kms', 'GetKeyLastUsage', { KeyId: 'alias/payments-legacy' }).code).toBe('NotFoundException');
    expect(kms(m, 'DescribeKey', { KeyId: DEMO_KEYS.used }).KeyMetadata.KeyState).toBe('Enabled');
  });

  it('AWS-managed keys cannot be scheduled for deletion', () => {
    const managed = kms(m, 'DescribeKey', { KeyId: 'alias/aws/ebs' }).KeyMetadata;
    expect(managed.KeyManager).toBe('AWS');
    expect(callError(m, 'kms', 'ScheduleKeyDeletion', { KeyId: managed.KeyId }).code).toBe('AccessDeniedException');
  });
});

describe('ListKeys paging', () => {
  const m = createModel(scenario('large', { keys: 2500, storeKeys: 50 }));

  it('pages 2500 keys with markers, every key once, in a stable order', () => {
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = kms(m, 'ListKeys', { Limit: 1000, ...(marker ? { Marker: marker } : {}) });
      pages++;
      seen.push(...out.Keys.map((k: any) => k.KeyId));
      for (const k of out.Keys) expect(k.KeyArn).toBe(arnOf(k.KeyId));
      marker = out.Truncated ? out.NextMarker : undefined;
      if (!out.Truncated) expect(out).not.toHaveProperty('NextMarker');
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
  });

  it('defaults to 100, enforces 1-1000, refuses bad markers', () => {
    expect(kms(m, 'ListKeys', {}).Keys).toHaveLength(100);
    expect(callError(m, 'kms', 'ListKeys', { Limit: 0 }).code).toBe('ValidationException');
    expect(callError(m, 'kms', 'ListKeys', { Limit: 1001 }).code).toBe('ValidationException');
    expect(callError(m, 'kms', 'ListKeys', { Marker: 'not-a-marker' }).code).toBe('InvalidMarkerException');
  });

  it('a marker stays valid when keys before it are deleted', () => {
    const json = scenario('large', { keys: 30, storeKeys: 0 }) as AccountState;
    const mm = createModel(json);
    const first = kms(mm, 'ListKeys', { Limit: 10 });
    const all = [...first.Keys];
    kms(mm, 'ScheduleKeyDeletion', { KeyId: first.Keys[3].KeyId, PendingWindowInDays: 7 });
    mm.advance(8 * 86_400_000);
    let marker = first.NextMarker;
    while (marker) {
      const page = kms(mm, 'ListKeys', { Limit: 10, Marker: marker });
      all.push(...page.Keys);
      marker = page.Truncated ? page.NextMarker : undefined;
    }
    expect(all).toHaveLength(30);
    expect(new Set(all.map((k) => k.KeyId)).size).toBe(30);
  });
});

describe('aliases, policy, grants, tags', () => {
  it('ListAliases: all or per key, limit 1-100 default 50', () => {
    const m = createModel(scenario('demo'));
    const all = kms(m, 'ListAliases', {}).Aliases.map((a: any) => a.AliasName);
    expect(all).toEqual(expect.arrayContaining(['alias/aws/ebs', 'alias/payments-legacy', 'alias/reports-archive']));
    const forKey = kms(m, 'ListAliases', { KeyId: DEMO_KEYS.used });
    expect(forKey.Aliases).toEqual([
      expect.objectContaining({
        AliasName: 'alias/payments-legacy',
        AliasArn: 'arn:aws:kms:us-east-1:111122223333:alias/payments-legacy',
        TargetKeyId: DEMO_KEYS.used,
      }),
    ]);
    expect(forKey.Truncated).toBe(false);
    expect(callError(m, 'kms', 'ListAliases', { Limit: 101 }).code).toBe('ValidationException');
    expect(kms(m, 'ListAliases', { Limit: 2 }).Truncated).toBe(true);
  });

  it('CreateAlias: new alias resolves; duplicates and pending keys refused', () => {
    const m = createModel(scenario('demo'));
    expect(kms(m, 'CreateAlias', { AliasName: 'alias/new', TargetKeyId: DEMO_KEYS.unusedB })).toEqual({});
    expect(kms(m, 'DescribeKey', { KeyId: 'alias/new' }).KeyMetadata.KeyId).toBe(DEMO_KEYS.unusedB);
    expect(callError(m, 'kms', 'CreateAlias', { AliasName: 'alias/new', TargetKeyId: DEMO_KEYS.unusedA }).code).toBe(
      'AlreadyExistsException',
    );
    const e = callError(m, 'kms', 'CreateAlias', { AliasName: 'alias/other', TargetKeyId: DEMO_KEYS.pending });
    expect([e.code, e.message]).toEqual([
      'KMSInvalidStateException',
      `${arnOf(DEMO_KEYS.pending)} is pending deletion.`,
    ]);
  });

  it('GetKeyPolicy names the account root and the principals the scenario added', () => {
    const m = createModel(scenario('demo'));
    const out = kms(m, 'GetKeyPolicy', { KeyId: DEMO_KEYS.used, PolicyName: 'default' });
    expect(out.PolicyName).toBe('default');
    const policy = JSON.parse(out.Policy);
    expect(policy.Statement[0].Principal.AWS).toBe('arn:aws:iam::111122223333:root');
    expect(JSON.stringify(policy)).toContain('arn:aws:iam::111122223333:role/app-backend');
    expect(JSON.parse(kms(m, 'GetKeyPolicy', { KeyId: DEMO_KEYS.unusedA }).Policy).Statement).toHaveLength(1);
  });

  it('ListGrants shows the service-principal grant of the used key; ListResourceTags answers', () => {
    const m = createModel(scenario('demo'));
    const out = kms(m, 'ListGrants', { KeyId: DEMO_KEYS.used });
    expect(out.Grants).toEqual([
      expect.objectContaining({
        KeyId: arnOf(DEMO_KEYS.used),
        GranteePrincipal: 'rds.amazonaws.com',
        Operations: expect.arrayContaining(['Decrypt']),
      }),
    ]);
    expect(out.Grants[0].GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(kms(m, 'ListGrants', { KeyId: DEMO_KEYS.unusedA }).Grants).toEqual([]);
    expect(kms(m, 'ListResourceTags', { KeyId: DEMO_KEYS.unusedA })).toEqual({ Tags: [], Truncated: false });
  });
});

describe('cryptography and GetKeyLastUsage', () => {
  it('Encrypt then Decrypt without KeyId finds the key from the ciphertext', () => {
    const m = createModel(scenario('demo'));
    const enc = kms(m, 'Encrypt', { KeyId: 'alias/reports-archive', Plaintext: b64('hello') });
    expect(enc.KeyId).toBe(arnOf(DEMO_KEYS.unusedA));
    const dec = kms(m, 'Decrypt', { CiphertextBlob: enc.CiphertextBlob });
    expect(Buffer.from(dec.Plaintext, 'base64').toString()).toBe('hello');
    expect(dec.KeyId).toBe(arnOf(DEMO_KEYS.unusedA));
    expect(callError(m, 'kms', 'Decrypt', { CiphertextBlob: enc.CiphertextBlob, KeyId: DEMO_KEYS.unusedB }).code).toBe(
      'IncorrectKeyException',
    );
    expect(callError(m, 'kms', 'Decrypt', { CiphertextBlob: b64('junk') }).code).toBe('InvalidCiphertextException');
    const dk = kms(m, 'GenerateDataKey', { KeyId: DEMO_KEYS.unusedA, KeySpec: 'AES_256' });
    expect(Buffer.from(dk.Plaintext, 'base64')).toHaveLength(32);
  });

  it('GetKeyLastUsage: empty until a successful cryptographic call, then names its event and request', () => {
    const m = createModel(scenario('demo'));
    const before = kms(m, 'GetKeyLastUsage', { KeyId: DEMO_KEYS.unusedB });
    expect(before.KeyLastUsage).toBeUndefined();
    expect(before.KeyCreationDate.getTime()).toBeGreaterThanOrEqual(before.TrackingStartDate.getTime());
    expect(before.TrackingStartDate.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    kms(m, 'DisableKey', { KeyId: DEMO_KEYS.unusedB });
    callError(m, 'kms', 'Encrypt', { KeyId: DEMO_KEYS.unusedB, Plaintext: b64('x') });
    expect(kms(m, 'GetKeyLastUsage', { KeyId: DEMO_KEYS.unusedB }).KeyLastUsage).toBeUndefined();
    kms(m, 'EnableKey', { KeyId: DEMO_KEYS.unusedB });
    kms(m, 'GenerateDataKey', { KeyId: DEMO_KEYS.unusedB, NumberOfBytes: 16 });
    const after = kms(m, 'GetKeyLastUsage', { KeyId: DEMO_KEYS.unusedB });
    expect(after.KeyId).toBe(arnOf(DEMO_KEYS.unusedB));
    expect(after.KeyLastUsage).toMatchObject({
      Operation: 'GenerateDataKey',
      CloudTrailEventId: expect.any(String),
      KmsRequestId: expect.any(String),
    });
    const events = (m.toJSON() as AccountState).events;
    const event = events.find((e) => e.id === after.KeyLastUsage.CloudTrailEventId)!;
    expect(event.name).toBe('GenerateDataKey');
    expect(JSON.parse(event.json).requestID).toBe(after.KeyLastUsage.KmsRequestId);
  });
});

describe('CreateKey', () => {
  it('creates keys in a CONNECTED CloudHSM store and an external store', () => {
    const m = createModel(scenario('demo'));
    const hsm = kms(m, 'CreateKey', {
      CustomKeyStoreId: DEMO_STORE_ID,
      Origin: 'AWS_CLOUDHSM',
      Description: 'x',
    }).KeyMetadata;
    expect(hsm).toMatchObject({
      Origin: 'AWS_CLOUDHSM',
      CustomKeyStoreId: DEMO_STORE_ID,
      CloudHsmClusterId: 'cluster-1a23b4cdefg',
      KeyState: 'Enabled',
      Description: 'x',
    });
    expect(hsm.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const xks = kms(m, 'CreateKey', {
      CustomKeyStoreId: DEMO_XKS_STORE_ID,
      Origin: 'EXTERNAL_KEY_STORE',
      XksKeyId: 'ext-1',
    }).KeyMetadata;
    expect(xks).toMatchObject({ Origin: 'EXTERNAL_KEY_STORE', XksKeyConfiguration: { Id: 'ext-1' } });
    expect(kms(m, 'CreateKey', {}).KeyMetadata).toMatchObject({ Origin: 'AWS_KMS', KeyManager: 'CUSTOMER' });
    expect(callError(m, 'kms', 'CreateKey', { CustomKeyStoreId: 'cks-00000000000000000' }).code).toBe(
      'CustomKeyStoreNotFoundException',
    );
  });
});

describe('unknown operations', () => {
  it('answer UnknownOperationException', () => {
    const m = createModel(scenario('demo'));
    expect(callError(m, 'kms', 'FlyToTheMoon', {}).code).toBe('UnknownOperationException');
    expect(callError(m, 'kms', 'toString', {}).code).toBe('UnknownOperationException');
  });
});
