/**
 * kscli delete-store <storeId>: the whole multi-week job, as far as the account allows today
 * (src/workflow/delete-store.ts). Exit 0 when the store is deleted (or was already), 8 while keys
 * wait for their deletion date ("pending: run again after <latest DeletionDate + 24 h>"), 3 blocked.
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "delete-store", plus the fields of ./run.ts and src/ui/render/delete-store.ts.
 */
import type { EvidenceOptions } from '../../workflow/evidence-port.js';
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import {
  addEvidenceOptions,
  addKeyOptions,
  allowDisconnectedOption,
  parseEvidenceFlags,
  parseKeyFlags,
  parseWaitTimeoutFlag,
  parseWindowDaysFlag,
  storeIdArgument,
  waitTimeoutOption,
  windowDaysOption,
  type EvidenceFlags,
  type KeyFlags,
} from '../shared-flags.js';
import { addTrialOptions, parseTrialFlags, type TrialFlagOptions, type TrialFlags } from '../trial-flags.js';

export interface DeleteStoreFlags extends KeyFlags, EvidenceFlags, TrialFlags {
  windowDays: string;
  waitTimeout: string;
  allowDisconnected: boolean;
}

export interface DeleteStoreInput {
  storeId: string;
  windowDays: number;
  waitTimeoutMs: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  trial: TrialFlagOptions;
  flags: DeleteStoreFlags;
}

export function parseDeleteStore(args: string[], flags: DeleteStoreFlags): DeleteStoreInput {
  const storeId = validateStoreId(args[0] ?? '');
  const windowDays = parseWindowDaysFlag(flags.windowDays);
  const waitTimeoutMs = parseWaitTimeoutFlag(flags.waitTimeout);
  return {
    storeId,
    windowDays,
    waitTimeoutMs,
    allowDisconnected: Boolean(flags.allowDisconnected),
    evidence: parseEvidenceFlags(flags),
    trial: parseTrialFlags(flags),
    flags,
  };
}

export default definePlanCommand({
  name: 'delete-store',
  summary:
    'the whole retirement of a store: schedule its keys, wait, disconnect, delete; run it again until it exits 0',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'delete-store', usage: 'delete-store' }],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .addOption(windowDaysOption('waiting period for the keys it schedules, 7 to 30'))
      .addOption(waitTimeoutOption())
      .addOption(
        allowDisconnectedOption('schedule keys even though the CloudHSM store is not CONNECTED (material orphaned)'),
      );
    // narrowing a blocked plan (issue 2); the store cannot be deleted while a key left out exists
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    addTrialOptions(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  kscli delete-store cks-1234567890abcdef0 --dry-run   # exit 3 while a key is in use: the plan names it\n  kscli delete-store cks-1234567890abcdef0 --yes --expected-account 111122223333 --exclude-key 1234abcd-12ab-34cd-56ef-1234567890ab --exclude-key alias/reports-archive   # schedules the others: exit 8, run again after the date it prints; the store stays until that key goes too\n',
    );
  },
  parse: parseDeleteStore,
  options: (deps, i) => ({
    storeId: i.storeId,
    selection: parseKeyFlags(i.flags, deps.region),
    windowDays: i.windowDays,
    waitTimeoutMs: i.waitTimeoutMs,
    allowDisconnected: i.allowDisconnected,
    evidence: i.evidence,
    trial: i.trial,
    flags: i.flags,
  }),
  load: () => import('./run.js').then((m) => m.planModule),
});
