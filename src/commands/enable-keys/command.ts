/**
 * kscli enable-keys <storeId> [--key K...] [--exclude-key K...]
 * The trial's rollback (issue 20): re-enables the keys of the store that kscli disabled for a
 * trial (they carry its kscli:trial-* tags) and removes the tags; a key Disabled before the trial
 * is left Disabled unless named with --key. Exit 0 done (or nothing to do), 3 blocked, 5 cancelled.
 *
 * JSON (--output json): the mutating-command document (schemas/plan.json) with "command":
 * "enable-keys", plan actions "EnableKey", and "trial" (the trials that were undone).
 */
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { addKeyOptions, parseKeyFlags, storeIdArgument, type KeyFlags } from '../shared-flags.js';

export interface EnableKeysInput {
  storeId: string;
  flags: KeyFlags;
}

export const parseEnableKeys = (args: string[], flags: KeyFlags): EnableKeysInput => ({
  storeId: validateStoreId(args[0] ?? ''),
  flags,
});

export default definePlanCommand({
  name: 'enable-keys',
  summary:
    "roll back a trial: re-enable the store's keys kscli disabled for it (a key Disabled before it only when named with --key)",
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'enable-keys' }],
  define(cmd) {
    cmd.addArgument(storeIdArgument());
    addKeyOptions(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  kscli enable-keys cks-1234567890abcdef0 --dry-run\n  kscli enable-keys cks-1234567890abcdef0 --yes\n  kscli enable-keys cks-1234567890abcdef0 --key 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --dry-run   # a key Disabled before the trial\n',
    );
  },
  parse: parseEnableKeys,
  options: (deps, i) => ({
    storeId: i.storeId,
    selection: parseKeyFlags(i.flags, deps.region),
    flags: { key: i.flags.key, excludeKey: i.flags.excludeKey },
  }),
  load: () => import('./run.js').then((m) => m.planModule),
});
