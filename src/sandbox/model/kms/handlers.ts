/** Every KMS operation the sandbox answers, by name (the `kms` entry of services/table.ts). */
import type { Handler } from '../handler.js';
import { aliasHandlers } from './aliases.js';
import { asymmetricHandlers } from './asymmetric.js';
import { cryptoHandlers } from './crypto.js';
import { checkGrantTokens, grantHandlers } from './grants.js';
import { importHandlers } from './import.js';
import { keyHandlers } from './keys.js';
import { policyHandlers } from './policies.js';
import { replicaHandlers } from './replicas.js';
import { rotationHandlers } from './rotation.js';
import { storeHandlers } from './stores.js';
import { tagHandlers } from './tags.js';
import { updateStoreHandlers } from './update-store.js';

/**
 * Built on first use, not at import: the KMS modules import one another (keys.ts and
 * replicas.ts, CloudTrail's recording and the services table), and a map spread at import time
 * could see a module that has not finished loading.
 */
let built: Record<string, Handler> | undefined;

export function kmsHandlers(): Record<string, Handler> {
  if (built) return built;
  const handlers: Record<string, Handler> = {
    ...keyHandlers,
    ...aliasHandlers,
    ...policyHandlers,
    ...grantHandlers,
    ...tagHandlers,
    ...rotationHandlers,
    ...cryptoHandlers,
    ...asymmetricHandlers,
    ...importHandlers,
    ...replicaHandlers,
    ...storeHandlers,
    ...updateStoreHandlers,
  };
  for (const op of GRANT_TOKEN_OPERATIONS) {
    const handler = handlers[op];
    if (handler)
      handlers[op] = (acc, input, ctx) => {
        checkGrantTokens(input);
        return handler(acc, input, ctx);
      };
  }
  return (built = handlers);
}

/**
 * The operations whose request has GrantTokens (botocore kms service-2.json): the list is checked
 * before the operation runs, as AWS does for each of them (grants.ts checkGrantTokens).
 */
const GRANT_TOKEN_OPERATIONS = [
  'CreateGrant',
  'Decrypt',
  'DeriveSharedSecret',
  'DescribeKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetPublicKey',
  'ReEncrypt',
  'Sign',
  'Verify',
  'VerifyMac',
];
