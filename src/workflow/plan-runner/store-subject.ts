/**
 * A store command's PlanSpec as a SubjectPlanSpec: the subject is the custom key store; reading it
 * is DescribeCustomKeyStores (not found: exit 3, or the command's storeNotFound), and what the plan
 * rests on is the store's keys, scanned once the journal is known writable and recorded there (so
 * `backups` can judge backups after the keys are gone). The lock, the journal file and the typed
 * confirmation are keyed on the store ID, as they always were.
 */
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { StepContext, SubjectContext } from '../context.js';
import { describeStoreOrFail } from '../inventory.js';
import type { PlannedStep } from '../plan.js';
import { scanStoreKeys } from '../store-session.js';
import { deletedStoreError, storeDeletion } from '../store-or-record.js';
import { ExitCode, KscliError } from '../../errors.js';
import { storeLabel } from './subject.js';
import type { PlanSpec, SubjectPlanSpec } from './types.js';
import { storeObserver } from '../plan-file/store-observer.js';

/** What a store plan is made from. */
export interface StoreFacts {
  store: StoreInfo;
  keys: KeyInfo[];
}

export function isStoreSpec<P extends PlannedStep, D, R>(
  spec: PlanSpec<P, D> | SubjectPlanSpec<P, D, R>,
): spec is PlanSpec<P, D> {
  return 'storeId' in spec;
}

export function storeSubjectSpec<P extends PlannedStep, D>(spec: PlanSpec<P, D>): SubjectPlanSpec<P, D, StoreFacts> {
  const stepContext = (ctx: SubjectContext, store: StoreInfo): StepContext => ({ ...ctx, store });
  return {
    command: spec.command,
    subject: { kind: 'store', id: spec.storeId },
    keyRefs: spec.keyRefs,
    selection: spec.selection,
    async read(deps, ctx, where) {
      let store: StoreInfo;
      try {
        store = await describeStoreOrFail(ctx.aws, spec.storeId, async () => where.account);
      } catch (err) {
        // a store the journal or CloudTrail shows deleted: "deleted on DATE", not "not found"
        // (still exit 3, so a command's storeNotFound, e.g. delete-store's, is asked first)
        if (!(err instanceof KscliError) || err.exitCode !== ExitCode.Blocked || spec.storeNotFound) throw err;
        const deleted = await storeDeletion(deps, spec.storeId, spec.command, false);
        throw deleted ? deletedStoreError(deps, deleted) : err;
      }
      const facts = { store, keys: [] };
      return { label: storeLabel(store), promptName: `(${store.name})`, facts, store: facts };
    },
    async scan(deps, read, journal) {
      const keys = await scanStoreKeys(deps, read.facts.store.id);
      try {
        journal.recordKeysSeen(keys);
      } catch (err) {
        deps.debug(`key-seen records not written: ${(err as Error).message}`);
      }
      const facts = { ...read.facts, keys };
      return { ...read, facts, store: facts };
    },
    plan: (ctx, facts, journal) => spec.plan(stepContext(ctx, facts.store), facts.keys, journal),
    idle: spec.idle ? (planned, facts) => spec.idle!(planned, facts.keys) : undefined,
    finish: spec.finish
      ? (planned, report, ctx, facts) => spec.finish!(planned, report, stepContext(ctx, facts.store), facts.keys)
      : undefined,
    notFound: spec.storeNotFound,
    observer: storeObserver,
  };
}
