/**
 * kscli schedule-deletion <storeId> [--key K...] [--exclude-key K...] [--window-days 7..30]
 * Preconditions: src/workflow/schedule-deletion.ts. Exit 0 when scheduled (or nothing to do),
 * 3 blocked, 2 bad input, 5 cancelled at the prompt.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1, "command": "schedule-deletion", "storeId": "cks-...", "account": "111122223333", "region": "...",
 *   "plan": [{"target": "<keyId>", "targetKind": "key" | "alarm", "action": "ScheduleKeyDeletion" | "CheckAlarm",
 *             "status": "apply" | "skip" | "blocked", "reason": "...", "checks": [{"name", "ok", "detail"?, "overrideFlag"?, "overridden"?}],
 *             "details": {"arn", "state", "aliases"?, "creationDate", "deletionDate"?, "verdict"?},
 *             "result"?: "done" | "skipped" | "failed" | "not-run" | "blocked", "note"?, "error"?}],
 *   "outcome": "done" | "blocked" | "dry-run" | "cancelled" | "nothing-to-do" | "interrupted" | "failed",
 *   "nextRunAfter"?: ISO (when the scheduled keys will be gone: run delete-store then),
 *   "warnings": ["..."], "overrides": ["--allow-disconnected", ...],
 *   "changedSincePlan"?: [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after an apply)
 * }
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../app.js';
import { ExitCode } from '../errors.js';
import type { KeyInfo } from '../aws/ports.js';
import { keyDriftSince } from '../workflow/drift.js';
import { nextRunAfter } from '../workflow/inventory.js';
import { planScheduleDeletion } from '../workflow/schedule-deletion.js';
import { parseWindowDays, validateStoreId } from '../workflow/validate.js';
import { addEvidenceOptions, addKeyOptions, parseEvidenceOptions, parseKeyOptions, withDeps } from './common.js';
import { runMutating } from './run-plan.js';

export const scheduleDeletionCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('schedule-deletion')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('schedule deletion of the keys of a store (all, or --key ones), after checking each precondition')
      .option('--window-days <days>', 'waiting period before AWS deletes the keys, 7 to 30', '30')
      .option('--allow-disconnected', 'schedule even though the CloudHSM store is not CONNECTED (the key material will be orphaned in the cluster)', false);
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli schedule-deletion cks-1234567890abcdef0 --dry-run\n  kscli schedule-deletion cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --window-days 7\n  kscli schedule-deletion cks-1234567890abcdef0 --yes --expected-account 111122223333 --output json\n',
      )
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        const windowDays = parseWindowDays(opts.windowDays);
        const evidence = parseEvidenceOptions(opts);
        return withDeps(app, async (deps) => {
          const sel = parseKeyOptions(opts, deps.region);
          const port = await deps.evidence();
          let keysAtPlan: KeyInfo[] = [];
          return runMutating(deps, {
            command: 'schedule-deletion',
            storeId,
            keyRefs: [...sel.include, ...sel.exclude],
            selection: { key: opts.key, excludeKey: opts.excludeKey, windowDays },
            plan: (ctx, keys) => {
              keysAtPlan = keys;
              return planScheduleDeletion(ctx, port, keys, sel, { windowDays, allowDisconnected: Boolean(opts.allowDisconnected), evidence });
            },
            finish: async (_planned, report, ctx) => {
              const drift = await keyDriftSince(ctx, keysAtPlan);
              for (const d of drift) deps.io.err.write(`${d.note}\n`);
              const scheduled = report.results
                .filter((r) => r.outcome === 'done' && r.result?.deletionDate)
                .map((r) => ({ deletionDate: new Date(r.result!.deletionDate as string) }));
              const next = nextRunAfter(scheduled as any);
              return {
                outcome: 'done',
                exitCode: ExitCode.Ok,
                nextRunAfter: next,
                lines: next ? [`AWS deletes the keys by ${next.toISOString()}; then run: kscli delete-store ${storeId}`] : [],
                extra: { changedSincePlan: drift },
              };
            },
          });
        });
      });
  },
};
