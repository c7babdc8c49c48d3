/**
 * Imported key material (API reference GetParametersForImport, ImportKeyMaterial,
 * DeleteImportedKeyMaterial) for keys created with Origin EXTERNAL:
 * - GetParametersForImport answers an RSA wrapping key pair (RSA_2048/3072/4096; from a small
 *   pool per process, wrapping-keys.ts says what that changes) and an import token, valid
 *   together for 24 hours; only the last pair answered is kept (AWS: "The public key and
 *   its import token are permanently linked and must be used together").
 * - ImportKeyMaterial unwraps the material for real (RSAES_OAEP_SHA_1/256, or
 *   RSA_AES_KEY_WRAP_SHA_1/256: an RSA-OAEP-wrapped AES key, then AES key wrap with padding,
 *   RFC 5649), checks it fits the key spec and, on a reimport, that it is the same material
 *   (IncorrectKeyMaterialException); the key leaves PendingImport. ExpirationModel
 *   KEY_MATERIAL_EXPIRES (the default) needs ValidTo, up to 365 days ahead; when ValidTo passes
 *   the key shows PendingImport again (keys.ts visibleState) until the same material is reimported.
 * - DeleteImportedKeyMaterial takes the material out: the key is PendingImport.
 * Not modelled (refused, named in the README): SM2 wrapping (China Regions only), the
 * deprecated RSAES_PKCS1_V1_5 wrapping, and a second key material (ImportType NEW_KEY_MATERIAL
 * on a key that has had material: on-demand rotation of imported keys).
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { DAY_MS, type KeyRecord } from '../state.js';
import { keySpecOf, requirePendingNot, resolveKey } from './keys.js';
import { CURVES, HMAC_BYTES, rsaBits } from './material.js';
import { CIPHERTEXT_BLOB, checkBlob, checkEnum, optionalString } from './validate.js';
import { nextWrappingKeyPair } from './wrapping-keys.js';

const WRAPPING_ALGORITHMS = [
  'RSAES_PKCS1_V1_5',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'RSA_AES_KEY_WRAP_SHA_1',
  'RSA_AES_KEY_WRAP_SHA_256',
  'SM2PKE',
] as const;
const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'] as const;
const EXPIRATION_MODELS = ['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const;
const IMPORT_TYPES = ['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'] as const;
const TOKEN_PREFIX = 'KSBXIMP1:';
/** AES key wrap with padding's alternative initial value (RFC 5649 3). */
const KWP_IV = Buffer.from('A65959A6', 'hex');

/** Import operations are for EXTERNAL keys only (UnsupportedOperationException; wording chosen). */
function requireExternal(acc: Account, k: KeyRecord): void {
  if (k.origin !== 'EXTERNAL')
    throw new SandboxError(
      'UnsupportedOperationException',
      `${acc.keyArn(k.id)} origin is ${k.origin ?? 'AWS_KMS'} which is not valid for this operation.`,
    );
}

const getParametersForImport: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const algorithm = checkEnum(input.WrappingAlgorithm, 'wrappingAlgorithm', WRAPPING_ALGORITHMS, true)!;
  const spec = checkEnum(input.WrappingKeySpec, 'wrappingKeySpec', WRAPPING_KEY_SPECS, true)!;
  requireExternal(acc, k);
  requirePendingNot(acc, k);
  if (spec === 'SM2' || algorithm === 'SM2PKE')
    throw new SandboxError(
      'UnsupportedOperationException',
      'SM2 wrapping keys are available in China Regions only; the kscli sandbox does not model them.',
    );
  if (algorithm === 'RSAES_PKCS1_V1_5')
    // AWS stopped accepting this wrapping algorithm for imports (October 2023); wording chosen
    throw new SandboxError(
      'ValidationException',
      'The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported for importing key material; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.',
    );
  // a pair of the process's pool (wrapping-keys.ts), never the one of the key's last parameters
  const pair = nextWrappingKeyPair(rsaBits(spec)!, k.imported?.params?.privateKey);
  const token = Buffer.from(`${TOKEN_PREFIX}${k.id}:${acc.ids.hex(32)}`, 'utf8').toString('base64');
  const validTo = acc.nowMs() + DAY_MS;
  k.imported = {
    ...k.imported,
    params: {
      token,
      privateKey: pair.privateKeyPem,
      algorithm,
      validTo,
    },
  };
  acc.dirty = true;
  return {
    KeyId: acc.keyArn(k.id),
    ImportToken: token,
    PublicKey: pair.publicKeyDer.toString('base64'),
    ParametersValidTo: new Date(validTo),
  };
};

/** Unwraps EncryptedKeyMaterial with the wrapping key of the token's GetParametersForImport. */
function unwrap(params: { privateKey: string; algorithm: string }, wrapped: Buffer): Buffer {
  const key = createPrivateKey(params.privateKey);
  const oaepHash = params.algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  try {
    if (params.algorithm.startsWith('RSAES_OAEP'))
      return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped);
    const k = (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    const aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped.subarray(0, k));
    const d = createDecipheriv(`id-aes${aesKey.length * 8}-wrap-pad`, aesKey, KWP_IV);
    return Buffer.concat([d.update(wrapped.subarray(k)), d.final()]);
  } catch {
    throw new SandboxError(
      'InvalidCiphertextException',
      'The encrypted key material could not be decrypted with the wrapping key and algorithm of its import token.',
    );
  }
}

/**
 * Wraps key material as a client does before ImportKeyMaterial (the inverse of unwrap), for tests
 * and scripts that drive the sandbox; AWS's documentation does it with OpenSSL.
 */
export function wrapKeyMaterial(publicKeyDer: Buffer, algorithm: string, material: Buffer, aesKey?: Buffer): Buffer {
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const key = { key: publicKeyDer, format: 'der' as const, type: 'spki' as const };
  if (algorithm.startsWith('RSAES_OAEP'))
    return publicEncrypt({ ...key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, material);
  const kek = aesKey ?? createHash('sha256').update(material).digest();
  const c = createCipheriv(`id-aes${kek.length * 8}-wrap-pad`, kek, KWP_IV);
  return Buffer.concat([
    publicEncrypt({ ...key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, kek),
    c.update(material),
    c.final(),
  ]);
}

function incorrectMaterial(why: string): SandboxError {
  // AWS: "the key material in the request is, expired, invalid, or is not the same key material
  // that was previously imported into this KMS key"; the reason is the sandbox's
  return new SandboxError('IncorrectKeyMaterialException', `The key material is not valid for this KMS key: ${why}.`);
}

/** The material as the key record keeps it, after checking it fits the key spec. */
function materialFor(k: KeyRecord, material: Buffer): string | undefined {
  const spec = keySpecOf(k);
  if (spec === 'SYMMETRIC_DEFAULT') {
    if (material.length !== 32) throw incorrectMaterial('a symmetric encryption key takes 256 bits (32 bytes)');
    return undefined; // symmetric ciphertexts are sandbox envelopes: the bytes are not needed
  }
  const hmac = HMAC_BYTES[spec];
  if (hmac !== undefined) {
    if (material.length < hmac || material.length > 64)
      throw incorrectMaterial(`an ${spec} key takes ${hmac} to 64 bytes`);
    return material.toString('base64');
  }
  let key;
  try {
    key = createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
  } catch {
    throw incorrectMaterial(`a ${spec} key takes a DER-encoded PKCS #8 private key`);
  }
  const d = key.asymmetricKeyDetails;
  const fits = rsaBits(spec) !== undefined ? d?.modulusLength === rsaBits(spec) : d?.namedCurve === CURVES[spec];
  if (!fits) throw incorrectMaterial(`the private key is not a ${spec} key`);
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function validToOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // JSON protocols send timestamps as epoch seconds; in-process callers may pass a Date
  const t =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(t)) throw new SandboxError('SerializationException', 'Expected a timestamp for validTo.');
  return t;
}

const importKeyMaterial: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const tokenBytes = checkBlob(input, 'ImportToken', { ...CIPHERTEXT_BLOB, required: true })!;
  const wrapped = checkBlob(input, 'EncryptedKeyMaterial', { ...CIPHERTEXT_BLOB, required: true })!;
  const model = checkEnum(input.ExpirationModel, 'expirationModel', EXPIRATION_MODELS) ?? 'KEY_MATERIAL_EXPIRES';
  const importType = checkEnum(input.ImportType, 'importType', IMPORT_TYPES);
  optionalString(input, 'KeyMaterialDescription', { min: 0, max: 256, pattern: /^[a-zA-Z0-9:/_\s.-]+$/ });
  const materialId = optionalString(input, 'KeyMaterialId', { min: 64, max: 64, pattern: /^[a-f0-9]+$/ });
  const validTo = validToOf(input.ValidTo);
  const now = acc.nowMs();
  // AWS: ValidTo is required with KEY_MATERIAL_EXPIRES and must be omitted otherwise (wording chosen)
  if (model === 'KEY_MATERIAL_EXPIRES' && validTo === undefined)
    throw new SandboxError(
      'ValidationException',
      'ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES; set ValidTo or use KEY_MATERIAL_DOES_NOT_EXPIRE.',
    );
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE' && validTo !== undefined)
    throw new SandboxError(
      'ValidationException',
      'ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.',
    );
  if (validTo !== undefined && (validTo <= now || validTo > now + 365 * DAY_MS))
    // AWS: "a future date and time. The maximum value is 365 days from the request date"
    throw new SandboxError('ValidationException', 'ValidTo must be a future date and time at most 365 days from now.');
  requireExternal(acc, k);
  requirePendingNot(acc, k);
  const params = k.imported?.params;
  if (
    !params ||
    params.token !== tokenBytes.toString('base64') ||
    !tokenBytes.toString('utf8').startsWith(`${TOKEN_PREFIX}${k.id}:`)
  )
    // wording chosen: AWS documents the code
    throw new SandboxError(
      'InvalidImportTokenException',
      'The import token is not valid for this KMS key: use the token of the last GetParametersForImport for it.',
    );
  if (now > params.validTo)
    throw new SandboxError(
      'ExpiredImportTokenException',
      'The import token has expired (it is valid for 24 hours); call GetParametersForImport again.',
    );
  const material = unwrap(params, wrapped);
  const hash = createHash('sha256').update(material).digest('hex');
  const previous = k.imported?.materialHash;
  if (importType === 'NEW_KEY_MATERIAL' && previous !== undefined)
    throw new SandboxError(
      'UnsupportedOperationException',
      'The kscli sandbox keeps one key material per imported key: reimport the same material (ImportType EXISTING_KEY_MATERIAL).',
    );
  if (previous !== undefined && previous !== hash)
    throw incorrectMaterial('it is not the key material imported before');
  const kept = materialFor(k, material);
  const id = createHash('sha256').update(`${k.id}:${hash}`).digest('hex');
  if (materialId !== undefined && materialId !== id)
    throw incorrectMaterial(`KeyMaterialId ${materialId} is not the id of this key material`);
  if (kept !== undefined) k.material = kept;
  k.imported = { materialHash: hash, materialId: id, present: true, ...(validTo !== undefined ? { validTo } : {}) };
  if (k.state === 'PendingImport') acc.setLogicalState(k, 'Enabled');
  acc.dirty = true;
  return { KeyId: acc.keyArn(k.id), KeyMaterialId: id };
};

const deleteImportedKeyMaterial: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const materialId = optionalString(input, 'KeyMaterialId', { min: 64, max: 64, pattern: /^[a-f0-9]+$/ });
  requireExternal(acc, k);
  requirePendingNot(acc, k);
  const current = k.imported?.materialId;
  if (materialId !== undefined && materialId !== current)
    throw new SandboxError('NotFoundException', `Key material ${materialId} is not in ${acc.keyArn(k.id)}.`);
  if (k.imported) {
    delete k.imported.validTo;
    k.imported.present = false;
  }
  delete k.material;
  acc.setLogicalState(k, 'PendingImport');
  acc.dirty = true;
  return { KeyId: acc.keyArn(k.id), KeyMaterialId: current ?? '' };
};

export const importHandlers: Record<string, Handler> = {
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
};
