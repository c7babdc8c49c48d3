/**
 * The sandbox's KMS management and cryptographic operations (issue 22) driven by clients we did
 * not write: the AWS CLI runs each operation once against `kscli sandbox serve` (the built
 * binary), and botocore checks every raw answer against the KMS service model's output shapes.
 * Both run in the file's one AWS CLI process (helpers/awscli.ts). The request log shows each call
 * arrived and was handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { constants, createPublicKey, publicEncrypt, randomBytes, verify as cryptoVerify } from 'node:crypto';
import {
  AWS_CLI,
  readRequestLog,
  startAwsCli,
  startE2E,
  type AwsCli,
  type BotocoreCall,
  type E2E,
} from './helpers/index.js';

const KEY = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
const KEY_B = '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60';
const ROOT_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
  ],
});

let t: E2E;
let cli: AwsCli;

/** `aws kms <args> --endpoint-url URL --output json`: exit status, parsed stdout, stderr. */
const aws = (...args: string[]) => cli.run(['kms', ...args]);

/** KMS calls through botocore; each raw answer is checked against its output shape. */
const botocore = (calls: BotocoreCall[], region = 'us-east-1') => cli.botocore('kms', calls, { check: 'raw', region });

describe.skipIf(!AWS_CLI)('KMS operations through the AWS CLI and botocore against kscli sandbox serve', () => {
  beforeAll(async () => {
    t = await startE2E('awscli-kms');
    cli = await startAwsCli(t.ws, t.sandbox.url);
  });
  afterAll(async () => {
    await cli?.stop();
    await t?.stop();
  });

  it('tags: tag-resource, list-resource-tags, untag-resource, and the reserved prefix refused', async () => {
    expect((await aws('tag-resource', '--key-id', KEY, '--tags', 'TagKey=team,TagValue=payments')).status).toBe(0);
    // the CLI pages through NextMarker itself and prints the items only
    expect((await aws('list-resource-tags', '--key-id', KEY)).json.Tags).toEqual([
      { TagKey: 'team', TagValue: 'payments' },
    ]);
    expect((await aws('untag-resource', '--key-id', KEY, '--tag-keys', 'team')).status).toBe(0);
    expect((await aws('list-resource-tags', '--key-id', KEY)).json.Tags).toEqual([]);
    const bad = await aws('tag-resource', '--key-id', KEY, '--tags', 'TagKey=aws:x,TagValue=y');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('(TagException)');
  });

  it('grants: create-grant with an EBS-style constraint, list-grants, list-retirable-grants, retire-grant, revoke-grant', async () => {
    const created = await aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/ebs',
      '--retiring-principal',
      'arn:aws:iam::111122223333:role/cleanup',
      '--operations',
      'Decrypt',
      'CreateGrant',
      '--constraints',
      'EncryptionContextSubset={aws:ebs:id=vol-0abc}',
      '--name',
      'ebs-vol-0abc',
    );
    expect(created.status, created.stderr).toBe(0);
    const grantId = created.json.GrantId as string;
    const listed = (await aws('list-grants', '--key-id', KEY)).json.Grants;
    expect(listed).toEqual([
      expect.objectContaining({
        GrantId: grantId,
        Name: 'ebs-vol-0abc',
        Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0abc' } },
        RetiringPrincipal: 'arn:aws:iam::111122223333:role/cleanup',
      }),
    ]);
    const retirable = await aws(
      'list-retirable-grants',
      '--retiring-principal',
      'arn:aws:iam::111122223333:role/cleanup',
    );
    expect(retirable.json.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual([grantId]);
    expect((await aws('retire-grant', '--grant-token', created.json.GrantToken)).status).toBe(0);
    const again = await aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/app',
      '--operations',
      'Encrypt',
    );
    expect((await aws('revoke-grant', '--key-id', KEY, '--grant-id', again.json.GrantId)).status).toBe(0);
    expect((await aws('list-grants', '--key-id', KEY)).json.Grants).toEqual([]);
    const wrong = await aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/app',
      '--operations',
      'Sign',
    );
    expect(wrong.stderr).toContain('(ValidationException)');
  });

  it('policies, aliases, descriptions: put-key-policy, list-key-policies, update-alias, delete-alias, update-key-description', async () => {
    expect(
      (await aws('put-key-policy', '--key-id', KEY, '--policy-name', 'default', '--policy', ROOT_POLICY)).status,
    ).toBe(0);
    expect((await aws('get-key-policy', '--key-id', KEY, '--policy-name', 'default')).json.Policy).toBe(ROOT_POLICY);
    expect((await aws('list-key-policies', '--key-id', KEY)).json.PolicyNames).toEqual(['default']);
    const malformed = await aws('put-key-policy', '--key-id', KEY, '--policy-name', 'default', '--policy', '{nope');
    expect(malformed.stderr).toContain('(MalformedPolicyDocumentException)');
    expect((await aws('create-alias', '--alias-name', 'alias/cli-test', '--target-key-id', KEY)).status).toBe(0);
    expect((await aws('update-alias', '--alias-name', 'alias/cli-test', '--target-key-id', KEY_B)).status).toBe(0);
    expect((await aws('describe-key', '--key-id', 'alias/cli-test')).json.KeyMetadata.KeyId).toBe(KEY_B);
    expect((await aws('delete-alias', '--alias-name', 'alias/cli-test')).status).toBe(0);
    expect((await aws('describe-key', '--key-id', 'alias/cli-test')).stderr).toContain('(NotFoundException)');
    const colon = await aws('create-alias', '--alias-name', 'alias/a:b', '--target-key-id', KEY);
    expect(colon.stderr).toContain('alias/a:b contains invalid characters for an alias');
    expect((await aws('update-key-description', '--key-id', KEY, '--description', 'from the CLI')).status).toBe(0);
    expect((await aws('describe-key', '--key-id', KEY)).json.KeyMetadata.Description).toBe('from the CLI');
  });

  it('every answer of the management operations matches the service model (botocore)', async () => {
    const results = await botocore([
      { op: 'TagResource', params: { KeyId: KEY, Tags: [{ TagKey: 'a', TagValue: 'b' }] } },
      { op: 'ListResourceTags', params: { KeyId: KEY } },
      { op: 'UntagResource', params: { KeyId: KEY, TagKeys: ['a'] } },
      {
        op: 'CreateGrant',
        params: {
          KeyId: KEY,
          GranteePrincipal: 'arn:aws:iam::111122223333:role/x',
          RetiringPrincipal: 'arn:aws:iam::111122223333:role/y',
          Operations: ['Decrypt'],
          Constraints: { EncryptionContextEquals: { Department: 'IT' } },
        },
      },
      { op: 'ListGrants', params: { KeyId: KEY } },
      { op: 'ListRetirableGrants', params: { RetiringPrincipal: 'arn:aws:iam::111122223333:role/y' } },
      { op: 'RevokeGrant', params: { KeyId: KEY, GrantId: '$3.GrantId' } },
      { op: 'PutKeyPolicy', params: { KeyId: KEY, PolicyName: 'default', Policy: ROOT_POLICY } },
      { op: 'ListKeyPolicies', params: { KeyId: KEY } },
      { op: 'GetKeyPolicy', params: { KeyId: KEY, PolicyName: 'default' } },
      { op: 'UpdateKeyDescription', params: { KeyId: KEY, Description: 'x' } },
      { op: 'ListAliases', params: {} },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
    expect(results[4]!.answer.Grants[0].Constraints).toEqual({ EncryptionContextEquals: { Department: 'IT' } });
    const log = readRequestLog(t.sandbox.statePath).filter((e) => e.operation === 'RevokeGrant');
    expect(log.at(-1)).toMatchObject({ service: 'kms', outcome: 'ok', handled: true, mutating: true });
  });

  it('data keys, re-encryption, random bytes, rotation and CreateKey specs: the CLI runs them, botocore checks the shapes', async () => {
    const sym = (await aws('create-key', '--description', 'rotation test')).json.KeyMetadata.KeyId as string;
    expect((await aws('enable-key-rotation', '--key-id', sym, '--rotation-period-in-days', '90')).status).toBe(0);
    expect((await aws('get-key-rotation-status', '--key-id', sym)).json).toMatchObject({
      KeyRotationEnabled: true,
      RotationPeriodInDays: 90,
    });
    expect((await aws('rotate-key-on-demand', '--key-id', sym)).status).toBe(0);
    expect((await aws('list-key-rotations', '--key-id', sym)).json.Rotations[0].RotationType).toBe('ON_DEMAND');
    expect((await aws('disable-key-rotation', '--key-id', sym)).status).toBe(0);
    const hsm = await aws('enable-key-rotation', '--key-id', KEY);
    expect(hsm.stderr).toContain('(UnsupportedOperationException)');
    expect(
      (await aws('generate-random', '--number-of-bytes', '16', '--custom-key-store-id', 'cks-1234567890abcdef0'))
        .status,
    ).toBe(0);
    const both = await aws('generate-data-key', '--key-id', sym, '--key-spec', 'AES_256', '--number-of-bytes', '32');
    expect(both.stderr).toContain('(ValidationException)');
    const results = await botocore([
      { op: 'CreateKey', params: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' } },
      { op: 'CreateKey', params: { MultiRegion: true } },
      { op: 'CreateKey', params: { Origin: 'EXTERNAL' } },
      { op: 'GenerateDataKeyWithoutPlaintext', params: { KeyId: sym, KeySpec: 'AES_256' } },
      { op: 'ReEncrypt', params: { CiphertextBlob: '$3.CiphertextBlob', DestinationKeyId: sym } },
      { op: 'GenerateRandom', params: { NumberOfBytes: 32 } },
      { op: 'GetKeyRotationStatus', params: { KeyId: sym } },
      { op: 'ListKeyRotations', params: { KeyId: sym } },
      { op: 'RotateKeyOnDemand', params: { KeyId: sym } },
      { op: 'DescribeKey', params: { KeyId: '$1.KeyMetadata.KeyId' } },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
    expect(results[1]!.answer.KeyMetadata.KeyId).toMatch(/^mrk-/);
    expect(results[2]!.answer.KeyMetadata.KeyState).toBe('PendingImport');
  });

  it('sign, verify, get-public-key, generate-mac, verify-mac and RSA encryption through the CLI; signatures verify with Node crypto', async () => {
    const ec = (await aws('create-key', '--key-spec', 'ECC_NIST_P256', '--key-usage', 'SIGN_VERIFY')).json.KeyMetadata
      .KeyId;
    writeFileSync(t.ws.path('msg'), 'payload to sign');
    const signed = await aws(
      'sign',
      '--key-id',
      ec,
      '--message',
      `fileb://${t.ws.path('msg')}`,
      '--signing-algorithm',
      'ECDSA_SHA_256',
    );
    expect(signed.status, signed.stderr).toBe(0);
    const signature = Buffer.from(signed.json.Signature as string, 'base64');
    const pub = (await aws('get-public-key', '--key-id', ec)).json;
    expect(pub).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const spki = createPublicKey({ key: Buffer.from(pub.PublicKey as string, 'base64'), format: 'der', type: 'spki' });
    expect(cryptoVerify('sha256', Buffer.from('payload to sign'), spki, signature)).toBe(true);
    writeFileSync(t.ws.path('sig'), signature);
    const verified = await aws(
      'verify',
      '--key-id',
      ec,
      '--message',
      `fileb://${t.ws.path('msg')}`,
      '--signature',
      `fileb://${t.ws.path('sig')}`,
      '--signing-algorithm',
      'ECDSA_SHA_256',
    );
    expect(verified.json.SignatureValid).toBe(true);
    writeFileSync(t.ws.path('other'), 'another payload');
    const forged = await aws(
      'verify',
      '--key-id',
      ec,
      '--message',
      `fileb://${t.ws.path('other')}`,
      '--signature',
      `fileb://${t.ws.path('sig')}`,
      '--signing-algorithm',
      'ECDSA_SHA_256',
    );
    expect(forged.stderr).toContain('(KMSInvalidSignatureException)');
    const wrongAlg = await aws(
      'sign',
      '--key-id',
      ec,
      '--message',
      `fileb://${t.ws.path('msg')}`,
      '--signing-algorithm',
      'ECDSA_SHA_512',
    );
    expect(wrongAlg.stderr).toContain('(InvalidKeyUsageException)');
    const hmac = (await aws('create-key', '--key-spec', 'HMAC_256', '--key-usage', 'GENERATE_VERIFY_MAC')).json
      .KeyMetadata.KeyId;
    const mac = await aws(
      'generate-mac',
      '--key-id',
      hmac,
      '--message',
      `fileb://${t.ws.path('msg')}`,
      '--mac-algorithm',
      'HMAC_SHA_256',
    );
    expect(mac.status, mac.stderr).toBe(0);
    writeFileSync(t.ws.path('mac'), Buffer.from(mac.json.Mac as string, 'base64'));
    const macArgs = ['--key-id', hmac, '--mac-algorithm', 'HMAC_SHA_256', '--mac', `fileb://${t.ws.path('mac')}`];
    expect((await aws('verify-mac', ...macArgs, '--message', `fileb://${t.ws.path('msg')}`)).json.MacValid).toBe(true);
    expect((await aws('verify-mac', ...macArgs, '--message', `fileb://${t.ws.path('other')}`)).stderr).toContain(
      '(KMSInvalidMacException)',
    );
    const forgedToken = await aws(
      'generate-mac',
      '--key-id',
      hmac,
      '--message',
      `fileb://${t.ws.path('msg')}`,
      '--mac-algorithm',
      'HMAC_SHA_256',
      '--grant-tokens',
      'forged',
    );
    expect(forgedToken.stderr).toContain('(InvalidGrantTokenException)');
    const m = 'aGVsbG8='; // "hello"
    const results = await botocore([
      { op: 'CreateKey', params: { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' } },
      {
        op: 'Encrypt',
        params: { KeyId: '$0.KeyMetadata.KeyId', Plaintext: m, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' },
      },
      {
        op: 'Decrypt',
        params: {
          KeyId: '$0.KeyMetadata.KeyId',
          CiphertextBlob: '$1.CiphertextBlob',
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        },
      },
      { op: 'Sign', params: { KeyId: ec, Message: m, SigningAlgorithm: 'ECDSA_SHA_256' } },
      { op: 'Verify', params: { KeyId: ec, Message: m, Signature: '$3.Signature', SigningAlgorithm: 'ECDSA_SHA_256' } },
      { op: 'GetPublicKey', params: { KeyId: '$0.KeyMetadata.KeyId' } },
      { op: 'GenerateMac', params: { KeyId: hmac, Message: m, MacAlgorithm: 'HMAC_SHA_256' } },
      { op: 'VerifyMac', params: { KeyId: hmac, Message: m, Mac: '$6.Mac', MacAlgorithm: 'HMAC_SHA_256' } },
      { op: 'GenerateDataKeyPair', params: { KeyId: KEY_B, KeyPairSpec: 'ECC_NIST_P256' } },
      { op: 'GenerateDataKeyPairWithoutPlaintext', params: { KeyId: KEY_B, KeyPairSpec: 'ECC_NIST_P256' } },
      { op: 'CreateKey', params: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' } },
      {
        op: 'DeriveSharedSecret',
        params: { KeyId: '$10.KeyMetadata.KeyId', KeyAgreementAlgorithm: 'ECDH', PublicKey: '$8.PublicKey' },
      },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
    expect(results[2]!.answer.Plaintext).toBe(m);
    const log = readRequestLog(t.sandbox.statePath).filter((e) => e.operation === 'Sign');
    expect(log.at(-1)).toMatchObject({ service: 'kms', outcome: 'ok', handled: true });
  });

  it('imported key material: get-parameters-for-import, import-key-material (wrapped with Node crypto), delete-imported-key-material', async () => {
    const id = (await aws('create-key', '--origin', 'EXTERNAL')).json.KeyMetadata.KeyId as string;
    const params = await aws(
      'get-parameters-for-import',
      '--key-id',
      id,
      '--wrapping-algorithm',
      'RSAES_OAEP_SHA_256',
      '--wrapping-key-spec',
      'RSA_2048',
    );
    expect(params.status, params.stderr).toBe(0);
    const wrapping = createPublicKey({
      key: Buffer.from(params.json.PublicKey as string, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const material = randomBytes(32);
    writeFileSync(
      t.ws.path('wrapped'),
      publicEncrypt({ key: wrapping, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material),
    );
    writeFileSync(t.ws.path('token'), Buffer.from(params.json.ImportToken as string, 'base64'));
    const imported = await aws(
      'import-key-material',
      '--key-id',
      id,
      '--encrypted-key-material',
      `fileb://${t.ws.path('wrapped')}`,
      '--import-token',
      `fileb://${t.ws.path('token')}`,
      '--expiration-model',
      'KEY_MATERIAL_DOES_NOT_EXPIRE',
    );
    expect(imported.status, imported.stderr).toBe(0);
    expect((await aws('describe-key', '--key-id', id)).json.KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    });
    expect((await aws('delete-imported-key-material', '--key-id', id)).status).toBe(0);
    expect((await aws('describe-key', '--key-id', id)).json.KeyMetadata.KeyState).toBe('PendingImport');
    const notExternal = await aws(
      'get-parameters-for-import',
      '--key-id',
      KEY_B,
      '--wrapping-algorithm',
      'RSAES_OAEP_SHA_256',
      '--wrapping-key-spec',
      'RSA_2048',
    );
    expect(notExternal.stderr).toContain('(UnsupportedOperationException)');
    // botocore: the three answers against the model (the material wrapped here between the runs)
    const [got] = await botocore([
      {
        op: 'GetParametersForImport',
        params: { KeyId: id, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' },
      },
    ]);
    expect(got!.problems).toEqual([]);
    const wrapped = publicEncrypt(
      {
        key: createPublicKey({
          key: Buffer.from(got!.answer.PublicKey as string, 'base64'),
          format: 'der',
          type: 'spki',
        }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha1',
      },
      material,
    );
    const results = await botocore([
      {
        op: 'ImportKeyMaterial',
        params: {
          KeyId: id,
          ImportToken: got!.answer.ImportToken,
          EncryptedKeyMaterial: wrapped.toString('base64'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        },
      },
      { op: 'DescribeKey', params: { KeyId: id } },
      { op: 'DeleteImportedKeyMaterial', params: { KeyId: id } },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
  });

  it('replicate-key into eu-west-1: same key id, the Region in the ARN, AlreadyExists again; update-primary-region', async () => {
    const created = (await aws('create-key', '--multi-region', '--description', 'mrk for replication')).json
      .KeyMetadata;
    const id = created.KeyId as string;
    const replica = await aws(
      'replicate-key',
      '--key-id',
      id,
      '--replica-region',
      'eu-west-1',
      '--description',
      'eu copy',
    );
    expect(replica.status, replica.stderr).toBe(0);
    expect(replica.json.ReplicaKeyMetadata).toMatchObject({
      KeyId: id,
      Arn: `arn:aws:kms:eu-west-1:111122223333:key/${id}`,
      MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Region: 'us-east-1' } },
    });
    const eu = (await aws('describe-key', '--key-id', id, '--region', 'eu-west-1')).json.KeyMetadata;
    expect(eu).toMatchObject({ Description: 'eu copy', KeyState: 'Enabled' });
    expect((await aws('replicate-key', '--key-id', id, '--replica-region', 'eu-west-1')).stderr).toContain(
      '(AlreadyExistsException)',
    );
    expect((await aws('replicate-key', '--key-id', KEY_B, '--replica-region', 'eu-west-1')).stderr).toContain(
      '(UnsupportedOperationException)',
    );
    const results = await botocore([
      {
        op: 'ReplicateKey',
        params: { KeyId: id, ReplicaRegion: 'ap-southeast-2', Tags: [{ TagKey: 'a', TagValue: 'b' }] },
      },
      { op: 'UpdatePrimaryRegion', params: { KeyId: id, PrimaryRegion: 'eu-west-1' } },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
    const [described] = await botocore([{ op: 'DescribeKey', params: { KeyId: id } }], 'eu-west-1');
    expect(described!.problems).toEqual([]);
    expect(described!.answer.KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType).toBe('PRIMARY');
    expect(
      (await aws('describe-key', '--key-id', id)).json.KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType,
    ).toBe('REPLICA');
  });

  it('the admin API resets to an empty account with any account ID; bad bodies are refused', async () => {
    const res = await fetch(`${t.sandbox.url}/__sandbox/reset`, {
      method: 'POST',
      body: JSON.stringify({ scenario: 'empty', accountId: '444455556666' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accountId: '444455556666', stores: [], keysOutsideStores: 0 });
    expect((await aws('list-keys')).json.Keys).toEqual([]);
    const created = await aws('create-key', '--description', 'first key of an empty account');
    expect(created.json.KeyMetadata.Arn).toMatch(/^arn:aws:kms:us-east-1:444455556666:key\//);
    const bad = await fetch(`${t.sandbox.url}/__sandbox/reset`, {
      method: 'POST',
      body: JSON.stringify({ scenario: 'org', accountId: '444455556666' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain(
      'accountId does not apply to the org scenario: its accounts are generated',
    );
  });
});
