/**
 * The key-state table (aws-facts 1.2, AWS KMS developer guide "Key states") for the operations of
 * asymmetric, HMAC, imported and multi-Region keys, which custom key stores cannot hold (so the
 * store-key table of state-rules.test.ts and the fake-vs-sandbox table, which follow kscli's own
 * calls, do not reach them). One row per operation and state: the outcome, or the error code and
 * message of the table's footnotes ([1] disabled, [3] pending deletion, [5] pending import).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SandboxError, type SandboxModel } from '../../../../../src/sandbox/contract.js';
import { createSandboxModel, scenario } from '../../../../../src/sandbox/model/index.js';
import { wrapKeyMaterial } from '../../../../../src/sandbox/model/kms/import.js';
import { ACCESS_KEY } from '../helpers.js';

type State = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';
const STATES: State[] = ['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport'];
const T0 = Date.UTC(2026, 11, 1);

function call(m: SandboxModel, op: string, input: Record<string, unknown>): any {
  return m.handle(
    { service: 'kms', operation: op, region: 'us-east-1', accessKeyId: ACCESS_KEY, requestId: randomUUID() },
    input,
  );
}

const MSG = Buffer.from('row').toString('base64');
const MATERIAL = Buffer.alloc(32, 7);

interface Row {
  create: Record<string, unknown>;
  /** made while the key is Enabled (a signature, a MAC, a ciphertext) */
  prepare?: (m: SandboxModel, keyId: string) => Record<string, unknown>;
  input: (keyId: string, prepared: Record<string, unknown>, m: SandboxModel) => Record<string, unknown>;
  /** the state after success (default: unchanged) */
  after?: (before: State) => State;
}

const sign = { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' };
const hmac = { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' };

function importInput(m: SandboxModel, keyId: string): Record<string, unknown> {
  const p = call(m, 'GetParametersForImport', {
    KeyId: keyId,
    WrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    WrappingKeySpec: 'RSA_2048',
  });
  return {
    KeyId: keyId,
    ImportToken: p.ImportToken,
    EncryptedKeyMaterial: wrapKeyMaterial(Buffer.from(p.PublicKey, 'base64'), 'RSAES_OAEP_SHA_256', MATERIAL).toString(
      'base64',
    ),
    ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
  };
}

/** The cryptographic row: OK, X[1], X[3], X[5]. */
const CRYPTO: Record<string, Row> = {
  Sign: { create: sign, input: (KeyId) => ({ KeyId, Message: MSG, SigningAlgorithm: 'ECDSA_SHA_256' }) },
  Verify: {
    create: sign,
    prepare: (m, KeyId) => call(m, 'Sign', { KeyId, Message: MSG, SigningAlgorithm: 'ECDSA_SHA_256' }),
    input: (KeyId, p) => ({ KeyId, Message: MSG, Signature: p.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
  },
  GetPublicKey: { create: sign, input: (KeyId) => ({ KeyId }) },
  GenerateMac: { create: hmac, input: (KeyId) => ({ KeyId, Message: MSG, MacAlgorithm: 'HMAC_SHA_256' }) },
  VerifyMac: {
    create: hmac,
    prepare: (m, KeyId) => call(m, 'GenerateMac', { KeyId, Message: MSG, MacAlgorithm: 'HMAC_SHA_256' }),
    input: (KeyId, p) => ({ KeyId, Message: MSG, Mac: p.Mac, MacAlgorithm: 'HMAC_SHA_256' }),
  },
  DeriveSharedSecret: {
    create: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' },
    prepare: (m) => {
      const peer = call(m, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }).KeyMetadata.KeyId;
      return call(m, 'GetPublicKey', { KeyId: peer });
    },
    input: (KeyId, p) => ({ KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: p.PublicKey }),
  },
  GenerateDataKeyPair: { create: {}, input: (KeyId) => ({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }) },
  GenerateDataKeyPairWithoutPlaintext: { create: {}, input: (KeyId) => ({ KeyId, KeyPairSpec: 'ECC_NIST_P256' }) },
};

/** The import operations (EXTERNAL keys): OK in every state but PendingDeletion (X[3]). */
const IMPORT: Record<string, Row> = {
  GetParametersForImport: {
    create: { Origin: 'EXTERNAL' },
    input: (KeyId) => ({ KeyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_1', WrappingKeySpec: 'RSA_2048' }),
  },
  ImportKeyMaterial: {
    create: { Origin: 'EXTERNAL' },
    // the wrapping parameters are fetched before the state changes (GetParametersForImport has its own row)
    prepare: (m, KeyId) => importInput(m, KeyId),
    input: (_KeyId, p) => p,
    // the material brings a PendingImport key to Enabled; a Disabled key stays Disabled
    after: (s) => (s === 'PendingImport' ? 'Enabled' : s),
  },
  DeleteImportedKeyMaterial: {
    create: { Origin: 'EXTERNAL' },
    input: (KeyId) => ({ KeyId }),
    after: () => 'PendingImport',
  },
};

/** A model with a key of `create` brought into `state` (PendingImport: an EXTERNAL key of that spec). */
function keyIn(create: Record<string, unknown>, state: State, row: Row) {
  const m = createSandboxModel(scenario('empty'), { wallClock: () => T0 });
  const external = create.Origin === 'EXTERNAL';
  const keyId: string = call(m, 'CreateKey', state === 'PendingImport' ? { ...create, Origin: 'EXTERNAL' } : create)
    .KeyMetadata.KeyId;
  if (external && state !== 'PendingImport') call(m, 'ImportKeyMaterial', importInput(m, keyId));
  // a PendingImport key cannot sign or MAC: its rows get well-formed stand-ins (the state is checked first)
  const prepared =
    state === 'PendingImport' && row.create.Origin !== 'EXTERNAL'
      ? { Signature: MSG, Mac: MSG, PublicKey: MSG }
      : (row.prepare?.(m, keyId) ?? {});
  if (state === 'Disabled') call(m, 'DisableKey', { KeyId: keyId });
  if (state === 'PendingDeletion') call(m, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
  expect(call(m, 'DescribeKey', { KeyId: keyId }).KeyMetadata.KeyState).toBe(state);
  return { m, keyId, prepared, arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}` };
}

function outcome(m: SandboxModel, op: string, input: Record<string, unknown>): string {
  try {
    call(m, op, input);
    return 'ok';
  } catch (e) {
    if (e instanceof SandboxError) return `${e.code}: ${e.message}`;
    throw e;
  }
}

const expectedCrypto: Record<State, string> = {
  Enabled: 'ok',
  Disabled: 'DisabledException: <ARN> is disabled.',
  PendingDeletion: 'KMSInvalidStateException: <ARN> is pending deletion.',
  PendingImport: 'KMSInvalidStateException: <ARN> is pending import.',
};
const expectedImport: Record<State, string> = {
  Enabled: 'ok',
  Disabled: 'ok',
  PendingDeletion: 'KMSInvalidStateException: <ARN> is pending deletion.',
  PendingImport: 'ok',
};

const rows: Array<[string, State, Row, string]> = [];
for (const [op, row] of Object.entries(CRYPTO)) for (const s of STATES) rows.push([op, s, row, expectedCrypto[s]]);
for (const [op, row] of Object.entries(IMPORT)) for (const s of STATES) rows.push([op, s, row, expectedImport[s]]);

describe('asymmetric, HMAC and import operations by key state', () => {
  it.each(rows)('%s on a %s key', (op, state, row, expected) => {
    const { m, keyId, prepared, arn } = keyIn(row.create, state, row);
    const got = outcome(m, op, row.input(keyId, prepared, m));
    expect(got).toBe(expected.replace('<ARN>', arn));
    const now = call(m, 'DescribeKey', { KeyId: keyId }).KeyMetadata.KeyState;
    expect(now).toBe(got === 'ok' && row.after ? row.after(state) : state);
  });
});
