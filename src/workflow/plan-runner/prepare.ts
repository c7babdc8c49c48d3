/**
 * Step 1 of the plan runner: everything up to the plan, and not one mutating call.
 *   identity (STS) -> --expected-account (mismatch: exit 3, nothing happens) -> key ARNs of another
 *   account refused (exit 2) -> the store (not found: exit 3, or the command's storeNotFound) ->
 *   the journal is writable (else exit 2; a dry run only warns) -> the keys (scan) -> the plan.
 */
import { evidenceProgress } from '../../ui/query-progress.js';
import type { StoreInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { StepContext } from '../context.js';
import type { PlannedStep } from '../plan.js';
import { describeStoreOrFail } from '../inventory.js';
import { journalFor, scanStoreKeys } from '../store-session.js';
import { checkKeyRefAccount } from '../validate.js';
import type {
  Finish,
  InterruptFlag,
  PlanOutcome,
  PlanSpec,
  PreparedPlan,
  RunPlanHooks,
  RunPlanOptions,
} from './types.js';

/** The store was not found and the command says what that means (e.g. delete-store: already deleted). */
export interface StoreGone<D> {
  storeGone: PlanOutcome<D>;
}

export async function preparePlan<P extends PlannedStep, D>(
  deps: Deps,
  spec: PlanSpec<P, D>,
  hooks: RunPlanHooks,
  opts: RunPlanOptions,
): Promise<PreparedPlan<P> | StoreGone<D>> {
  const { globals } = deps;
  const id = await deps.identity();
  if (globals.expectedAccount && globals.expectedAccount !== id.account) {
    throw new KscliError(
      ExitCode.Blocked,
      `the credentials are for account ${id.account}, not the expected account ${globals.expectedAccount}: nothing was done`,
      'check --profile / the environment, or fix --expected-account',
    );
  }
  for (const ref of spec.keyRefs ?? []) checkKeyRefAccount(ref, id.account);
  const journal = journalFor(deps, id.account, id.arn, spec.storeId, spec.command);

  let store: StoreInfo;
  try {
    store = await describeStoreOrFail(deps.aws, spec.storeId, async () => id.account);
  } catch (err) {
    const f: Finish<D> | undefined =
      err instanceof KscliError && err.exitCode === ExitCode.Blocked
        ? spec.storeNotFound?.(journal, { account: id.account, region: deps.region })
        : undefined;
    if (!f) throw err;
    return {
      storeGone: {
        command: spec.command,
        store: missingStore(spec.storeId),
        account: id.account,
        region: deps.region,
        planned: { warnings: [], overrides: [], executables: [] },
        finish: f,
        narrowable: spec.keyRefs !== undefined,
      },
    };
  }
  // a journal that cannot be written is found now, before anything changes (dry runs only warn)
  try {
    journal.ensureWritable();
  } catch (err) {
    if (!opts.planOnly) throw err;
    hooks.say(`warning: ${(err as Error).message}`);
  }

  const keys = await scanStoreKeys(deps, store.id);
  try {
    journal.recordKeysSeen(keys);
  } catch (err) {
    deps.debug(`key-seen records not written: ${(err as Error).message}`);
  }
  const interrupt: InterruptFlag = { requested: false };
  const ctx: StepContext = {
    aws: deps.aws,
    clock: deps.clock,
    region: deps.region,
    store,
    say: hooks.say,
    interrupted: () => interrupt.requested,
  };
  const assessBar = deps.progress.bar('examining key usage');
  const shown = evidenceProgress(deps.progress, assessBar);
  ctx.scanProgress = shown.onKeys;
  ctx.queryProgress = shown.onQuery;
  // Ctrl-C while planning: the evidence step stops its Logs Insights queries (StopQuery), exit 130
  const planAbort = new AbortController();
  ctx.signal = planAbort.signal;
  const offPlanInterrupt = deps.system.onInterrupt(() => planAbort.abort());
  let planned: P;
  try {
    planned = await spec.plan(ctx, keys, journal);
  } finally {
    offPlanInterrupt();
    assessBar.stop();
  }
  return {
    command: spec.command,
    identity: id,
    store,
    journal,
    keys,
    ctx,
    planned,
    items: planned.executables.map((e) => e.item),
    narrowable: spec.keyRefs !== undefined,
    selection: spec.selection,
    interrupt,
  };
}

/** A store that no longer exists, as the outcome shows it (only its ID is known). */
function missingStore(id: string): StoreInfo {
  return { id, name: '', type: 'AWS_CLOUDHSM', connectionState: 'DISCONNECTED', creationDate: new Date(0) };
}
