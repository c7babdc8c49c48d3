/**
 * kscli delete-store <storeId>: the whole multi-week job, as far as the account allows today
 * (src/workflow/delete-store.ts). Exit 0 when the store is deleted (or was already), 8 while keys
 * wait for their deletion date ("pending: run again after <latest DeletionDate + 24 h>"), 3 blocked.
 *
 * JSON (--output json): the mutating-command document (see schedule-deletion.ts) with
 * "command": "delete-store", plus
 *   "phase": "schedule-keys" | "keys-pending" | "disconnect-and-delete" | "delete" | "already-deleted",
 *   "nextRunAfter": ISO (outcome "pending"), "keysLeft": [{"keyId", "state", "deletionDate"}] (outcome "pending"),
 *   "changedSincePlan": [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after scheduling),
 *   after a CloudHSM store is deleted: "backups": {...as kscli backups}, "orphans": {...as kscli orphans}.
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { ExitCode } from '../errors.js';
import type { KeyInfo } from '../aws/ports.js';
import { backupsReport } from '../workflow/backups.js';
import { planDeleteStore, DELETE_STORE, type DeleteStorePlan } from '../workflow/delete-store.js';
import type { Journal, CallEntry } from '../workflow/journal.js';
import { findOrphans } from '../workflow/orphans.js';
import { keyDriftSince } from '../workflow/drift.js';
import { parseDuration, parseWindowDays, validateStoreId } from '../workflow/validate.js';
import { addEvidenceOptions, iso, isJson, parseEvidenceOptions, withDeps } from './common.js';
import { waitProgress } from './disconnect-store.js';
import { backupsJson, orphansJson, renderBackups, renderOrphans } from './reports.js';
import { runMutating, type Finish } from './run-plan.js';

function pendingFinish(keys: Array<Pick<KeyInfo, 'keyId' | 'state' | 'deletionDate'>>, phase: string, storeId: string): Finish {
  let latest: Date | undefined;
  for (const k of keys) if (k.deletionDate && (!latest || k.deletionDate > latest)) latest = k.deletionDate;
  const next = latest ? new Date(latest.getTime() + 24 * 3600 * 1000) : undefined;
  return {
    outcome: 'pending',
    exitCode: ExitCode.Pending,
    nextRunAfter: next,
    lines: [`${keys.length} key(s) wait for deletion; AWS deletes them up to 24 h after their deletion date. Run "kscli delete-store ${storeId}" again after ${next?.toISOString() ?? 'they are gone'}.`],
    extra: { phase, keysLeft: keys.map((k) => ({ keyId: k.keyId, state: k.state, deletionDate: iso(k.deletionDate) })) },
  };
}

export const deleteStoreCommand: CommandModule = {
  register(program: Command, app: App) {
    const cmd = program
      .command('delete-store')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('the whole retirement of a store: schedule its keys, wait, disconnect, delete; run it again until it exits 0')
      .option('--window-days <days>', 'waiting period for the keys it schedules, 7 to 30', '30')
      .option('--wait-timeout <duration>', 'how long to wait for DISCONNECTED, e.g. 90s, 30m', '20m')
      .option('--allow-disconnected', 'schedule keys even though the CloudHSM store is not CONNECTED (material orphaned)', false);
    addEvidenceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli delete-store cks-1234567890abcdef0 --dry-run\n  kscli delete-store cks-1234567890abcdef0 --yes --expected-account 111122223333   # exit 8: run again after the date it prints\n',
      )
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        const windowDays = parseWindowDays(opts.windowDays);
        const waitTimeoutMs = parseDuration(opts.waitTimeout, '--wait-timeout');
        const evidence = parseEvidenceOptions(opts);
        return withDeps(app, async (deps) => {
          let journalRef: Journal | undefined;
          let keysAtPlan: KeyInfo[] = [];
          return runMutating<DeleteStorePlan>(deps, {
            command: 'delete-store',
            storeId,
            plan: async (ctx, keys, journal) => {
              journalRef = journal;
              keysAtPlan = keys;
              return planDeleteStore(ctx, () => deps.evidence(), keys, {
                schedule: { windowDays, allowDisconnected: Boolean(opts.allowDisconnected), evidence },
                // the store holds no keys in these phases: nothing for --force to override
                disconnect: { force: false, allowOrphanedMaterial: false, waitTimeoutMs, onWait: waitProgress(deps) },
              });
            },
            idle: (planned) => {
              if (planned.phase === 'keys-pending') return pendingFinish(keysAtPlan, planned.phase, storeId);
              return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, extra: { phase: planned.phase } };
            },
            storeNotFound: (journal) => {
              const deleted = journal
                .entries()
                .find((e): e is CallEntry => (e as CallEntry).operation === DELETE_STORE && (e as CallEntry).phase === 'outcome' && (e as CallEntry).outcome === 'ok');
              if (!deleted) return undefined;
              return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, lines: [`store ${storeId} was already deleted (journal: ${deleted.time})`], extra: { phase: 'already-deleted' } };
            },
            finish: async (planned, report, ctx) => {
              if (planned.phase === 'schedule-keys') {
                const left = new Map<string, Pick<KeyInfo, 'keyId' | 'state' | 'deletionDate'>>();
                for (const k of keysAtPlan) if (k.state === 'PendingDeletion') left.set(k.keyId, k);
                for (const r of report.results) {
                  if (r.item.targetKind === 'key' && r.outcome === 'done' && r.result?.deletionDate) {
                    left.set(r.item.target, { keyId: r.item.target, state: 'PendingDeletion', deletionDate: new Date(r.result.deletionDate as string) });
                  }
                }
                const drift = await keyDriftSince(ctx, keysAtPlan);
                for (const d of drift) deps.io.err.write(`${d.note}\n`);
                const f = pendingFinish([...left.values()], planned.phase, storeId);
                return { ...f, extra: { ...f.extra, changedSincePlan: drift } };
              }
              const f: Finish = { outcome: 'done', exitCode: ExitCode.Ok, lines: [`store ${storeId} deleted`], extra: { phase: planned.phase } };
              if (ctx.store.type === 'AWS_CLOUDHSM') {
                // case 5: what KMS leaves behind: backups holding key material, orphaned material
                const backups = await backupsReport(deps.aws, ctx.store, [], journalRef?.keysSeen() ?? []);
                const orphans = await findOrphans(deps.aws, storeId, deps.clock.now());
                f.extra = { ...f.extra, backups: backupsJson(backups), orphans: orphansJson(orphans) };
                if (!isJson(deps)) f.lines!.push(renderBackups(deps, backups).trimEnd(), renderOrphans(deps, storeId, orphans).trimEnd());
              }
              return f;
            },
          });
        });
      });
  },
};
