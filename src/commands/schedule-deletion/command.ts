/**
 * kscli schedule-deletion <storeId> [--key K...] [--exclude-key K...] [--window-days 7..30]
 * Preconditions: src/workflow/schedule-deletion.ts. Exit 0 when scheduled (or nothing to do),
 * 3 blocked, 2 bad input, 5 cancelled at the prompt.
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "schedule-deletion", plan items
 *   {"target": "<keyId>", "targetKind": "key" | "alarm", "action": "ScheduleKeyDeletion" | "CheckAlarm",
 *    "details": {"arn", "state", "aliases"?, "creationDate", "deletionDate"?, "verdict"?}, ...},
 *   "nextRunAfter"?: ISO (when the scheduled keys will be gone: run delete-store then),
 *   "changedSincePlan"?: [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after an apply)
 */
import { validateStoreId } from '../../input/validate.js';
import type { EvidenceOptions } from '../../workflow/evidence-port.js';
import { definePlanCommand } from '../descriptor.js';
import {
  addEvidenceOptions,
  addKeyOptions,
  allowDisconnectedOption,
  parseEvidenceFlags,
  parseKeyFlags,
  parseWindowDaysFlag,
  storeIdArgument,
  windowDaysOption,
  type EvidenceFlags,
  type KeyFlags,
} from '../shared-flags.js';
import { addTrialOptions, parseTrialFlags, type TrialFlagOptions, type TrialFlags } from '../trial-flags.js';

export interface ScheduleDeletionFlags extends KeyFlags, EvidenceFlags, TrialFlags {
  windowDays: string;
  allowDisconnected: boolean;
}

/** argv -> input: everything but the key references, which are resolved in the run's region */
export interface ScheduleDeletionInput {
  storeId: string;
  windowDays: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  trial: TrialFlagOptions;
  flags: ScheduleDeletionFlags;
}

export function parseScheduleDeletion(args: string[], flags: ScheduleDeletionFlags): ScheduleDeletionInput {
  const storeId = validateStoreId(args[0] ?? '');
  return {
    storeId,
    windowDays: parseWindowDaysFlag(flags.windowDays),
    allowDisconnected: Boolean(flags.allowDisconnected),
    evidence: parseEvidenceFlags(flags),
    trial: parseTrialFlags(flags),
    flags,
  };
}

export default definePlanCommand({
  name: 'schedule-deletion',
  summary: 'schedule deletion of the keys of a store (all, or --key ones), after checking each precondition',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'schedule-deletion' }],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .addOption(windowDaysOption('waiting period before AWS deletes the keys, 7 to 30'))
      .addOption(
        allowDisconnectedOption(
          'schedule even though the CloudHSM store is not CONNECTED (the key material will be orphaned in the cluster)',
        ),
      );
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    addTrialOptions(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  kscli schedule-deletion cks-1234567890abcdef0 --dry-run   # exit 3 until the alarm exists (kscli alarm) and while a key is in use\n  kscli alarm cks-1234567890abcdef0 --yes && kscli schedule-deletion cks-1234567890abcdef0 --key 2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60 --window-days 7\n  kscli schedule-deletion cks-1234567890abcdef0 --yes --expected-account 111122223333 --output json   # exit 3 while a key is in use (--allow-in-use overrides)\n',
    );
  },
  parse: parseScheduleDeletion,
  options: (deps, i) => ({
    storeId: i.storeId,
    selection: parseKeyFlags(i.flags, deps.region),
    windowDays: i.windowDays,
    allowDisconnected: i.allowDisconnected,
    evidence: i.evidence,
    trial: i.trial,
    flags: i.flags,
  }),
  load: () => import('./run.js').then((m) => m.planModule),
});
