/**
 * kscli cancel-deletion <storeId> [--key K...] [--exclude-key K...] [--enable]
 * Cancels pending deletions; AWS leaves a cancelled key Disabled, --enable re-enables it (also the
 * keys an earlier, interrupted kscli run cancelled but did not re-enable: the journal says which).
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "cancel-deletion" and plan actions "CancelKeyDeletion" / "EnableKey".
 */
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { addKeyOptions, parseKeyFlags, storeIdArgument, type KeyFlags } from '../shared-flags.js';

export interface CancelDeletionFlags extends KeyFlags {
  enable: boolean;
}

export interface CancelDeletionInput {
  storeId: string;
  enable: boolean;
  flags: CancelDeletionFlags;
}

export const parseCancelDeletion = (args: string[], flags: CancelDeletionFlags): CancelDeletionInput => ({
  storeId: validateStoreId(args[0] ?? ''),
  enable: Boolean(flags.enable),
  flags,
});

export default definePlanCommand({
  name: 'cancel-deletion',
  summary: 'cancel pending deletions of the keys of a store (AWS leaves them Disabled; --enable re-enables them)',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'cancel-deletion' }],
  define(cmd) {
    cmd.addArgument(storeIdArgument()).option('--enable', 're-enable each key after cancelling its deletion', false);
    addKeyOptions(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  kscli cancel-deletion cks-1234567890abcdef0 --key 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d --enable\n  kscli cancel-deletion cks-1234567890abcdef0 --dry-run\n',
    );
  },
  parse: parseCancelDeletion,
  options: (deps, i) => ({
    storeId: i.storeId,
    selection: parseKeyFlags(i.flags, deps.region),
    enable: i.enable,
    flags: i.flags,
  }),
  load: () => import('./run.js').then((m) => m.planModule),
});
