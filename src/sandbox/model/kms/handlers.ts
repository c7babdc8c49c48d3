/** Every KMS operation the sandbox answers, by name (the `kms` entry of services/table.ts). */
import type { Handler } from '../handler.js';
import { aliasHandlers } from './aliases.js';
import { cryptoHandlers } from './crypto.js';
import { grantHandlers } from './grants.js';
import { keyHandlers } from './keys.js';
import { policyHandlers } from './policies.js';
import { rotationHandlers } from './rotation.js';
import { storeHandlers } from './stores.js';
import { tagHandlers } from './tags.js';

export const kmsHandlers: Record<string, Handler> = {
  ...keyHandlers,
  ...aliasHandlers,
  ...policyHandlers,
  ...grantHandlers,
  ...tagHandlers,
  ...rotationHandlers,
  ...cryptoHandlers,
  ...storeHandlers,
};
