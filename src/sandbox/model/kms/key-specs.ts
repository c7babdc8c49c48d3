/**
 * What CreateKey may be asked for (API reference CreateKey; developer guide "Key spec reference"):
 * each KeySpec with the key usages it allows, and the algorithms DescribeKey lists for it.
 * KeyUsage defaults to ENCRYPT_DECRYPT, which HMAC and ECC keys do not allow: they need theirs.
 */
import { SandboxError } from '../../contract.js';
import { checkEnum } from './validate.js';

export const KEY_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
] as const;

export const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;

function usagesOf(spec: string): readonly string[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (spec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  if (spec.startsWith('ECC_NIST_')) return ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  if (spec === 'ECC_SECG_P256K1' || spec.startsWith('ML_DSA_')) return ['SIGN_VERIFY'];
  if (spec.startsWith('HMAC_')) return ['GENERATE_VERIFY_MAC'];
  if (spec === 'SM2') return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'];
  return [];
}

/** KeySpec and KeyUsage of a CreateKey request, checked. */
export function checkSpecAndUsage(input: Record<string, unknown>): { spec: string; usage: string } {
  const spec =
    checkEnum(input.KeySpec, 'keySpec', KEY_SPECS) ??
    checkEnum(
      input.CustomerMasterKeySpec,
      'customerMasterKeySpec',
      KEY_SPECS.filter((s) => !s.startsWith('ML_')),
    ) ??
    'SYMMETRIC_DEFAULT';
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined)
    // chosen wording: CustomerMasterKeySpec is the deprecated name of KeySpec
    throw new SandboxError('ValidationException', 'Specify KeySpec or the deprecated CustomerMasterKeySpec, not both.');
  const usage = checkEnum(input.KeyUsage, 'keyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
  if (!usagesOf(spec).includes(usage))
    // chosen wording: AWS documents the combinations, not this text
    throw new SandboxError(
      'ValidationException',
      `KeyUsage ${usage} is not valid for KeySpec ${spec}; valid: ${usagesOf(spec).join(', ')}.`,
    );
  return { spec, usage };
}

/** DescribeKey's algorithm lists for a key spec and usage. */
export function algorithmsOf(spec: string, usage: string): Record<string, string[]> {
  if (usage === 'ENCRYPT_DECRYPT')
    return {
      EncryptionAlgorithms:
        spec === 'SYMMETRIC_DEFAULT'
          ? ['SYMMETRIC_DEFAULT']
          : spec === 'SM2'
            ? ['SM2PKE']
            : ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
    };
  if (usage === 'SIGN_VERIFY') {
    if (spec.startsWith('RSA_'))
      return {
        SigningAlgorithms: [
          'RSASSA_PKCS1_V1_5_SHA_256',
          'RSASSA_PKCS1_V1_5_SHA_384',
          'RSASSA_PKCS1_V1_5_SHA_512',
          'RSASSA_PSS_SHA_256',
          'RSASSA_PSS_SHA_384',
          'RSASSA_PSS_SHA_512',
        ],
      };
    if (spec.startsWith('ML_DSA_')) return { SigningAlgorithms: ['ML_DSA_SHAKE_256'] };
    if (spec === 'SM2') return { SigningAlgorithms: ['SM2DSA'] };
    const bits = spec === 'ECC_NIST_P384' ? '384' : spec === 'ECC_NIST_P521' ? '512' : '256';
    return { SigningAlgorithms: [`ECDSA_SHA_${bits}`] };
  }
  if (usage === 'GENERATE_VERIFY_MAC') return { MacAlgorithms: [`HMAC_SHA_${spec.slice(5)}`] };
  return { KeyAgreementAlgorithms: ['ECDH'] };
}
