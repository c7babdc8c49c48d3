/** Every KMS operation the sandbox answers, by name (the `kms` entry of services/table.ts). */
import type { Handler } from '../handler.js';
import { cryptoHandlers } from './crypto.js';
import { keyHandlers } from './keys.js';
import { storeHandlers } from './stores.js';

export const kmsHandlers: Record<string, Handler> = { ...keyHandlers, ...cryptoHandlers, ...storeHandlers };
