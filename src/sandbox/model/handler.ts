import type { CallContext } from '../contract.js';
import type { Account } from './account.js';

/** One operation of one service: reads and changes the account, returns AWS's output shape. */
export type Handler = (acc: Account, input: Record<string, unknown>, ctx: CallContext) => unknown;
