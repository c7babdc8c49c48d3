/**
 * kscli delete-store <storeId>: the whole multi-week job, as far as the account allows today
 * (src/workflow/delete-store.ts). Exit 0 when the store is deleted (or was already), 8 while keys
 * wait for their deletion date ("pending: run again after <latest DeletionDate + 24 h>"), 3 blocked.
 *
 * JSON (--output json): the mutating-command document (see schedule-deletion.ts) with
 * "command": "delete-store", plus
 *   "phase": "schedule-keys" | "keys-pending" | "disconnect-and-delete" | "delete" | "already-deleted",
 *   "nextRunAfter": ISO (outcome "pending"), "keysLeft": [{"keyId", "state", "deletionDate"}] (outcome "pending":
 *   the keys waiting for deletion, as AWS lists them after the apply),
 *   "keysLeftOut": [{"keyId", "state"}] (keys --exclude-key / --key left out: the store cannot be deleted while they exist),
 *   "changedSincePlan": [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after scheduling),
 *   after a CloudHSM store is deleted: "backups": {...as kscli backups}, "orphans": {...as kscli orphans}.
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../app.js';
import { ExitCode } from '../errors.js';
import type { KeyInfo } from '../aws/ports.js';
import { backupsReport } from '../workflow/backups.js';
import { keptKeysSentence, planDeleteStore, DELETE_STORE, type DeleteStorePlan } from '../workflow/delete-store.js';
import type { Journal, CallEntry } from '../workflow/journal.js';
import { findOrphans } from '../workflow/orphans.js';
import { storeKeysAfterApply } from '../workflow/drift.js';
import { nextRunAfter } from '../workflow/inventory.js';
import { parseDuration, parseWindowDays, validateStoreId } from '../workflow/validate.js';
import { addEvidenceOptions, addKeyOptions, iso, isJson, parseEvidenceOptions, parseKeyOptions, withDeps } from './common.js';
import { waitProgress } from './disconnect-store.js';
import { backupsJson, orphansJson, renderBackups, renderOrphans } from './reports.js';
import { runMutating, type Finish } from './run-plan.js';

/**
 * Exit 8: the keys wait for deletion. `keys` are the keys PendingDeletion (as AWS lists them),
 * `keptKeys` those --exclude-key / --key left out, which keep the store alive after that date.
 */
function pendingFinish(keys: KeyInfo[], keptKeys: KeyInfo[], phase: string, storeId: string): Finish {
  const next = nextRunAfter(keys);
  const lines = [`${keys.length} key(s) wait for deletion; AWS deletes them up to 24 h after their deletion date. Run "kscli delete-store ${storeId}" again after ${next?.toISOString() ?? 'they are gone'}.`];
  if (keptKeys.length) lines.push(`${keptKeysSentence(keptKeys)}.`);
  return {
    outcome: 'pending',
    exitCode: ExitCode.Pending,
    nextRunAfter: next,
    lines,
    extra: {
      phase,
      keysLeft: keys.map((k) => ({ keyId: k.keyId, state: k.state, deletionDate: iso(k.deletionDate) })),
      ...(keptKeys.length ? { keysLeftOut: keptKeys.map((k) => ({ keyId: k.keyId, state: k.state })) } : {}),
    },
  };
}

/**
 * The store is gone and this journal shows kscli deleting it (a DeleteCustomKeyStore intent, with
 * or without its outcome): the job is done. The earlier run may not have confirmed its delete (the
 * answer was lost after AWS handled it, or the store stayed visible longer than the read-back:
 * aws-facts 9), yet no store means nothing is left to do: every later run would otherwise stop on
 * "not found" forever. Without such a line, a missing store stays exit 3 (a typo, another region).
 */
export function alreadyDeletedFinish(journal: Journal, storeId: string, where: { account: string; region: string }): Finish | undefined {
  const calls = journal
    .entries()
    .filter((e): e is CallEntry => {
      const c = e as CallEntry;
      return c.operation === DELETE_STORE && c.target === storeId && c.account === where.account && c.region === where.region;
    });
  if (calls.length === 0) return undefined;
  const confirmed = calls.find((c) => c.phase === 'outcome' && (c.outcome === 'ok' || c.outcome === 'skipped'));
  const line = confirmed
    ? `store ${storeId} was already deleted (journal: ${confirmed.time})`
    : `store ${storeId} is already deleted: the DeleteCustomKeyStore of an earlier run (journal: ${calls[0]!.time}) was not confirmed then, but the store no longer exists`;
  return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, lines: [line], extra: { phase: 'already-deleted' } };
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
    // narrowing a blocked plan (issue 2); the store cannot be deleted while a key left out exists
    addKeyOptions(cmd);
    addEvidenceOptions(cmd);
    cmd
      .addHelpText(
        'after',
        '\nExamples:\n  kscli delete-store cks-1234567890abcdef0 --dry-run\n  kscli delete-store cks-1234567890abcdef0 --yes --expected-account 111122223333   # exit 8: run again after the date it prints\n  kscli delete-store cks-1234567890abcdef0 --yes --exclude-key 1234abcd-12ab-34cd-56ef-1234567890ab   # schedule the others; the store stays until that key goes too\n',
      )
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        const windowDays = parseWindowDays(opts.windowDays);
        const waitTimeoutMs = parseDuration(opts.waitTimeout, '--wait-timeout');
        const evidence = parseEvidenceOptions(opts);
        return withDeps(app, async (deps) => {
          const sel = parseKeyOptions(opts, deps.region);
          let journalRef: Journal | undefined;
          let keysAtPlan: KeyInfo[] = [];
          return runMutating<DeleteStorePlan>(deps, {
            command: 'delete-store',
            storeId,
            keyRefs: [...sel.include, ...sel.exclude],
            selection: { key: opts.key, excludeKey: opts.excludeKey, windowDays },
            plan: async (ctx, keys, journal) => {
              journalRef = journal;
              keysAtPlan = keys;
              return planDeleteStore(ctx, () => deps.evidence(), keys, {
                schedule: { windowDays, allowDisconnected: Boolean(opts.allowDisconnected), evidence },
                // the store holds no keys in these phases: nothing for --force to override
                disconnect: { force: false, allowOrphanedMaterial: false, waitTimeoutMs, onWait: waitProgress(deps) },
                selection: sel,
              });
            },
            idle: (planned) => {
              if (planned.phase === 'keys-pending') {
                return pendingFinish(
                  keysAtPlan.filter((k) => k.state === 'PendingDeletion'),
                  planned.keptKeys,
                  planned.phase,
                  storeId,
                );
              }
              return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, extra: { phase: planned.phase } };
            },
            storeNotFound: (journal, where) => alreadyDeletedFinish(journal, storeId, where),
            finish: async (planned, _report, ctx) => {
              if (planned.phase === 'schedule-keys') {
                // where the keys stand now comes from AWS, not from the plan: a colleague may have
                // cancelled a deletion while the plan was on screen (keysLeft agrees with changedSincePlan)
                const after = await storeKeysAfterApply(ctx, keysAtPlan);
                for (const d of after.drift) deps.io.err.write(`${d.note}\n`);
                const keptIds = new Set(planned.keptKeys.map((k) => k.keyId));
                const f = pendingFinish(
                  after.keys.filter((k) => k.state === 'PendingDeletion'),
                  after.keys.filter((k) => keptIds.has(k.keyId) && k.state !== 'PendingDeletion'),
                  planned.phase,
                  storeId,
                );
                return { ...f, extra: { ...f.extra, changedSincePlan: after.drift } };
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
