/**
 * kscli delete-store as a plan for the plan runner (src/workflow/plan-runner/): the phase of the
 * retirement the account is in (src/workflow/delete-store.ts), and how each phase ends.
 *
 * Fields it adds to the mutating-command document:
 *   "phase": "schedule-keys" | "keys-pending" | "disconnect-and-delete" | "delete" | "already-deleted",
 *   "nextRunAfter": ISO (outcome "pending"), "keysLeft": [{"keyId", "state", "deletionDate"}] (outcome "pending":
 *   the keys waiting for deletion, as AWS lists them after the apply),
 *   "keysLeftOut": [{"keyId", "state"}] (keys --exclude-key / --key left out: the store cannot be deleted while they exist),
 *   "changedSincePlan": [{"keyId", "state", "change": "created" | "deletion-cancelled", "note"}] (after scheduling),
 *   after a CloudHSM store is deleted: "backups": {...as kscli backups}, "orphans": {...as kscli orphans}
 *   (src/ui/render/delete-store.ts).
 */
import { nextStepFor, nextStepIn, type NextStep } from '../../ui/next-step.js';
import type { PlanModule } from '../descriptor.js';
import { DeleteStoreOptionsSchema } from './options.js';
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';
import { HsmPriceBook, PRICING_REGION, priceSourceLine } from '../../workflow/cost/hsm-cost.js';
import { clusterLeftover, xksLeftover, type StoreLeftover } from '../../workflow/cost/leftovers.js';
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../errors.js';
import { iso } from '../../ui/render/json-fields.js';
import { disconnectWaitProgress } from '../../ui/wait-progress.js';
import { backupsNextStep, backupsReport } from '../../workflow/backups.js';
import { enabledRegions } from '../../workflow/enabled-regions.js';
import { DELETE_STORE, keptKeysSentence, planDeleteStore, type DeleteStorePlan } from '../../workflow/delete-store.js';
import { storeKeysAfterApply } from '../../workflow/drift.js';
import type { EvidenceOptions } from '../../workflow/evidence-port.js';
import { nextRunAfter } from '../../workflow/inventory.js';
import type { CallEntry, Journal } from '../../workflow/journal.js';
import { findOrphans, orphanCleanupSteps } from '../../workflow/orphans.js';
import type { Finish, PlanSpec } from '../../workflow/plan-runner/index.js';
import type { KeyFlags, KeySelectionOptions } from '../shared-flags.js';
import type { TrialFlagOptions } from '../trial-flags.js';
import { trialExtra, trialPendingFinish, trialPhaseOptions, trialStartedFinish } from '../trial-finish.js';
import type { DeleteStoreCleanup } from '../../workflow/results.js';
export type { DeleteStoreCleanup };

export interface DeleteStoreOptions {
  storeId: string;
  selection: KeySelectionOptions;
  windowDays: number;
  waitTimeoutMs: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  /** --trial-days, --allow-dynamodb-archive, --end-trial (issue 20); absent in older plan files */
  trial?: TrialFlagOptions;
  /** the flags as given, journaled with the run */
  flags: KeyFlags;
}

export type DeleteStoreFinish = Finish<DeleteStoreCleanup>;

/**
 * Exit 8: the keys wait for deletion. `keys` are the keys PendingDeletion (as AWS lists them),
 * `keptKeys` those --exclude-key / --key left out, which keep the store alive after that date.
 */
function pendingFinish(
  keys: KeyInfo[],
  keptKeys: KeyInfo[],
  phase: string,
  storeId: string,
  next: NextStep,
): DeleteStoreFinish {
  const after = nextRunAfter(keys);
  const lines = [
    `${keys.length} key(s) wait for deletion; AWS deletes them up to 24 h after their deletion date. Run again after ${after?.toISOString() ?? 'they are gone'}:\n  ${next(['delete-store', storeId])}`,
  ];
  if (keptKeys.length) lines.push(`${keptKeysSentence(keptKeys)}.`);
  return {
    outcome: 'pending',
    exitCode: ExitCode.Pending,
    nextRunAfter: after,
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
export function alreadyDeletedFinish(
  journal: Journal,
  storeId: string,
  where: { account: string; region: string },
): DeleteStoreFinish | undefined {
  const calls = journal.entries().filter((e): e is CallEntry => {
    const c = e as CallEntry;
    return (
      c.operation === DELETE_STORE && c.target === storeId && c.account === where.account && c.region === where.region
    );
  });
  if (calls.length === 0) return undefined;
  const confirmed = calls.find((c) => c.phase === 'outcome' && (c.outcome === 'ok' || c.outcome === 'skipped'));
  const line = confirmed
    ? `store ${storeId} was already deleted (journal: ${confirmed.time})`
    : `store ${storeId} is already deleted: the DeleteCustomKeyStore of an earlier run (journal: ${calls[0]!.time}) was not confirmed then, but the store no longer exists`;
  return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, lines: [line], extra: { phase: 'already-deleted' } };
}

async function leftoverOf(
  deps: Deps,
  store: StoreInfo,
  region: string,
  data: DeleteStoreCleanup,
): Promise<StoreLeftover | undefined> {
  if (store.type === 'EXTERNAL_KEY_STORE') return xksLeftover(deps.aws, store, region);
  if (!store.clusterId) return undefined;
  const book = new HsmPriceBook(() => deps.aws.pricing(PRICING_REGION));
  // the cluster is in the store's Region: written out even where this run took its Region from elsewhere
  const leftover = await clusterLeftover(deps.aws, region, store.clusterId, store.id, book, nextStepIn(deps, region));
  if (leftover.cost) data.priceLine = priceSourceLine(book);
  return leftover;
}

export function deleteStoreSpec(deps: Deps, o: DeleteStoreOptions): PlanSpec<DeleteStorePlan, DeleteStoreCleanup> {
  const { storeId } = o;
  let journalRef: Journal | undefined;
  return {
    command: 'delete-store',
    storeId,
    keyRefs: [...o.selection.include, ...o.selection.exclude],
    selection: { key: o.flags.key, excludeKey: o.flags.excludeKey, windowDays: o.windowDays },
    plan: async (ctx, keys, journal) => {
      journalRef = journal;
      const trial = trialPhaseOptions(o.trial, o.evidence, () => deps.evidence());
      return planDeleteStore(ctx, () => deps.evidence(), keys, {
        schedule: {
          windowDays: o.windowDays,
          allowDisconnected: o.allowDisconnected,
          evidence: o.evidence,
          endTrial: trial.endTrial,
        },
        trial,
        // the store holds no keys in these phases: nothing for --force to override
        disconnect: {
          force: false,
          allowOrphanedMaterial: false,
          waitTimeoutMs: o.waitTimeoutMs,
          onWait: disconnectWaitProgress(deps.progress),
        },
        selection: o.selection,
      });
    },
    idle: (planned, keysAtPlan) => {
      if (planned.phase === 'trial-running' || planned.phase === 'trial-start')
        return trialPendingFinish(
          storeId,
          planned.phase,
          planned.trials,
          planned.trialEnd,
          'delete-store',
          nextStepFor(deps),
        );
      if (planned.phase === 'keys-pending') {
        return pendingFinish(
          keysAtPlan.filter((k) => k.state === 'PendingDeletion'),
          planned.keptKeys,
          planned.phase,
          storeId,
          nextStepFor(deps),
        );
      }
      return { outcome: 'nothing-to-do', exitCode: ExitCode.Ok, extra: { phase: planned.phase } };
    },
    storeNotFound: (journal, where) => alreadyDeletedFinish(journal, storeId, where),
    finish: async (planned, report, ctx, keysAtPlan) => {
      if (planned.phase === 'trial-start')
        return trialStartedFinish(storeId, planned.phase, report, planned.trials, 'delete-store', nextStepFor(deps));
      if (planned.phase === 'schedule-keys') {
        // where the keys stand now comes from AWS, not from the plan: a colleague may have
        // cancelled a deletion while the plan was on screen (keysLeft agrees with changedSincePlan)
        const after = await storeKeysAfterApply(ctx, keysAtPlan);
        for (const d of after.drift) ctx.say(d.note);
        const keptIds = new Set(planned.keptKeys.map((k) => k.keyId));
        const f = pendingFinish(
          after.keys.filter((k) => k.state === 'PendingDeletion'),
          after.keys.filter((k) => keptIds.has(k.keyId) && k.state !== 'PendingDeletion'),
          planned.phase,
          storeId,
          nextStepFor(deps),
        );
        return {
          ...f,
          extra: { ...f.extra, changedSincePlan: after.drift, ...trialExtra(storeId, planned, nextStepFor(deps)) },
        };
      }
      const f: DeleteStoreFinish = {
        outcome: 'done',
        exitCode: ExitCode.Ok,
        lines: [`store ${storeId} deleted`],
        extra: { phase: planned.phase },
      };
      if (ctx.store.type === 'AWS_CLOUDHSM') {
        // case 5: what KMS leaves behind: backups holding key material, orphaned material
        const backups = await backupsReport(deps.aws, ctx.store, [], journalRef?.keysSeen() ?? [], {
          regions: enabledRegions(deps.aws),
        });
        const orphans = await findOrphans(deps.aws, storeId, deps.clock.now());
        f.data = {
          storeId,
          backups,
          orphans,
          // the store is deleted: no disconnect step (it would fail when pasted)
          orphanSteps: orphanCleanupSteps(undefined),
        };
        f.lines!.push(...backupsNextStep(backups, storeId, nextStepFor(deps)));
      } else f.data = { storeId };
      // and what still costs money: the store was its reason to exist (read-only, never fatal)
      try {
        f.data.leftover = await leftoverOf(deps, ctx.store, ctx.region, f.data);
      } catch (err) {
        ctx.say(`warning: could not read what the store leaves behind: ${(err as Error).message.split('\n')[0]}`);
      }
      return f;
    },
  };
}

/** What the delete-store descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof DeleteStoreOptionsSchema> = {
  optionsSchema: DeleteStoreOptionsSchema,
  spec: async (deps, o) => {
    const { deleteStoreExtras } = await import('../../ui/render/delete-store.js');
    return { spec: deleteStoreSpec(deps, o), extras: deleteStoreExtras };
  },
};
