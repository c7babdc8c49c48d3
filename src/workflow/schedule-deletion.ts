/**
 * schedule-deletion: plan and act on ScheduleKeyDeletion for the keys of one store.
 *
 * Preconditions per key (issue 2; aws-facts sections 1, 2.4, 3.1, 8), each one a test in
 * test/unit/workflow/schedule-deletion.test.ts:
 *  - key-in-store      the key belongs to this store (a named key outside it blocks the whole run)
 *  - customer-managed  KeyManager CUSTOMER (AWS-managed keys cannot be scheduled)
 *  - not-pending       a key already PendingDeletion is skipped with its deletion date (not an error)
 *  - store-connected   a CloudHSM store must be CONNECTED while keys wait, or KMS cannot delete their
 *                      material from the cluster at expiry (aws-facts 2.4): blocked unless
 *                      --allow-disconnected. External stores have no such need (aws-facts 8).
 *  - usage-verdict     the evidence module's verdict (issue 3): in-use / unknown block unless
 *                      --allow-in-use / --allow-unknown-usage
 *  - alarm-in-place    the pending-deletion alarm exists, unless --no-alarm
 * Right before each ScheduleKeyDeletion the key (and the store) are described again and the checks
 * repeated: the world may have changed since the plan.
 */
import type { KeyInfo, StoreInfo } from '../aws/ports.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import { stepCommand, type StepContext } from './context.js';
import type { PlannedStep, Check, Executable, PlanItem } from './plan.js';
import type { EvidenceOptions, EvidencePort, KeyAssessment } from './evidence-port.js';
import { readBack } from './readback.js';
import { assessOptionsFor } from './assess-options.js';
import { aliasesByKey, excludedLine, keyDetails, selectKeys } from './key-selection.js';
import type { KeyRef } from '../input/validate.js';
import {
  endTrialIds,
  evaluateTrialGate,
  failedTrialWarnings,
  readTrials,
  resolvedByTrial,
  withTrialGate,
  withTrialRecommendation,
} from './trial/index.js';
import { recommendTrial } from './trial/recommend.js';

export const SCHEDULE = 'ScheduleKeyDeletion';

export const SECURITY_HUB_WARNING =
  'AWS Security Hub control KMS.3 raises a CRITICAL finding for every key pending deletion; expect one per key scheduled (suppress them in Security Hub if that is intended).';

export interface ScheduleOptions {
  windowDays: number;
  allowDisconnected: boolean;
  evidence: EvidenceOptions;
  /** --end-trial: keys (id, ARN or alias) whose running trial the operator cuts short (issue 20) */
  endTrial?: string[];
}

/**
 * The checks that do not need evidence, for one key, as a plan line. Pure: the plan and the
 * re-check before the call both use it.
 */
export function evaluateScheduleKey(
  key: KeyInfo,
  store: StoreInfo,
  opts: Pick<ScheduleOptions, 'windowDays' | 'allowDisconnected'>,
  aliases?: string[],
): PlanItem {
  const checks: Check[] = [];
  const details = { ...keyDetails(key, aliases), params: { KeyId: key.keyId, PendingWindowInDays: opts.windowDays } };
  const line = (status: PlanItem['status'], reason: string): PlanItem => ({
    target: key.keyId,
    targetKind: 'key',
    action: SCHEDULE,
    status,
    reason,
    checks,
    details,
  });

  const inStore = key.customKeyStoreId === store.id;
  checks.push({ name: 'key-in-store', ok: inStore, detail: inStore ? undefined : `key is not in store ${store.id}` });
  if (!inStore) return line('blocked', `not in store ${store.id}`);

  const customer = key.keyManager === 'CUSTOMER';
  checks.push({
    name: 'customer-managed',
    ok: customer,
    detail: customer ? undefined : 'AWS-managed keys cannot be scheduled for deletion',
  });
  if (!customer) return line('blocked', 'AWS-managed key: AWS does not let anyone delete it');

  if (key.state === 'PendingDeletion') {
    checks.push({ name: 'not-pending', ok: true, detail: 'already PendingDeletion' });
    const when = key.deletionDate ? ` (deletion on ${key.deletionDate.toISOString()})` : '';
    return line('skip', `already PendingDeletion${when}`);
  }
  // ScheduleKeyDeletion fails in these states (aws-facts 1.2); they cannot occur in a custom key
  // store (single-Region symmetric keys only), so they are reported rather than attempted.
  if (key.state === 'Updating' || key.state === 'PendingReplicaDeletion') {
    checks.push({ name: 'schedulable-state', ok: false, detail: `state ${key.state}` });
    return line('blocked', `state ${key.state}: ScheduleKeyDeletion would fail`);
  }

  if (store.type === 'AWS_CLOUDHSM') {
    const connected = store.connectionState === 'CONNECTED';
    const c: Check = {
      name: 'store-connected',
      ok: connected,
      detail: connected
        ? undefined
        : `store is ${store.connectionState}: KMS can delete the key material from the cluster only if the store is CONNECTED when the waiting period ends (else it is orphaned)`,
      overrideFlag: '--allow-disconnected',
    };
    if (!connected && opts.allowDisconnected) c.overridden = true;
    checks.push(c);
    if (!connected && !opts.allowDisconnected) {
      return line(
        'blocked',
        `store is ${store.connectionState}, not CONNECTED: connect it first, or pass --allow-disconnected (the key material would be orphaned in the cluster)`,
      );
    }
  }
  const note = checks.some((c) => c.overridden) ? ' (store not connected: --allow-disconnected)' : '';
  return line('apply', `schedule deletion in ${opts.windowDays} days${note}`);
}

/**
 * Adds a key's usage verdict to its line: a failed check blocks it (issue 3). A key that protects
 * data (issue 19) carries a second check, 'data-at-rest', blocked unless --allow-data-loss: a key
 * in use AND protecting data needs both overrides.
 */
export function withEvidence(item: PlanItem, assessment: KeyAssessment | undefined): PlanItem {
  if (!assessment || item.status !== 'apply') return item;
  const checks = [...item.checks, assessment.check, ...(assessment.dataCheck ? [assessment.dataCheck] : [])];
  const details = {
    ...item.details,
    verdict: assessment.verdict,
    ...(assessment.dependents && assessment.dependents.status !== 'off'
      ? { dependents: dependentsDetails(assessment.dependents) }
      : {}),
  };
  const blocking = [assessment.dataCheck, assessment.check].filter(
    (c): c is NonNullable<typeof c> => c !== undefined && !c.ok && !c.overridden,
  );
  if (blocking.length) {
    const reasons = blocking.map((check) => {
      const verdict = check.name === 'data-at-rest' ? 'protects-data' : (assessment.useVerdict ?? assessment.verdict);
      const how = check.overrideFlag ? ` (override: ${check.overrideFlag})` : '';
      const detail = check.detail ?? 'usage evidence blocks it';
      return `${detail.startsWith(verdict) ? detail : `${verdict}: ${detail}`}${how}`;
    });
    return { ...item, checks, details, status: 'blocked', reason: reasons.join('; ') };
  }
  const notes = [assessment.check, assessment.dataCheck]
    .filter((c): c is NonNullable<typeof c> => c !== undefined && c.overridden === true)
    .map((c) =>
      c.name === 'data-at-rest'
        ? `protects-data, overridden with ${c.overrideFlag}`
        : `${assessment.useVerdict ?? assessment.verdict}, overridden with ${c.overrideFlag}`,
    );
  const note = notes.length ? ` (${notes.join('; ')})` : '';
  return { ...item, checks, details, reason: `${item.reason}${note}` };
}

/** The data found under a key as plan details: the count, the first resources, what the search missed. */
function dependentsDetails(d: NonNullable<KeyAssessment['dependents']>): Record<string, unknown> {
  return {
    status: d.status,
    count: d.resources.length,
    resources: d.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      ...(r.accountId ? { accountId: r.accountId } : {}),
      ...(r.region ? { region: r.region } : {}),
      source: r.source,
    })),
    ...(d.gaps.length ? { gaps: d.gaps } : {}),
  };
}

/** AccessDenied on ScheduleKeyDeletion: say what commonly causes it instead of the raw error. */
function explainAccessDenied(err: unknown, windowDays: number): unknown {
  if (err instanceof KscliError && err.exitCode === ExitCode.Credentials) {
    return new KscliError(
      ExitCode.Credentials,
      `ScheduleKeyDeletion was denied: ${err.message}`,
      `a policy may limit the waiting period with the condition key kms:ScheduleKeyDeletionPendingWindowInDays (you asked for ${windowDays} days): try another --window-days, or ask for kms:ScheduleKeyDeletion on these keys`,
      { cause: err },
    );
  }
  return err;
}

/**
 * The executable for one key line: re-check, call, treat "already pending" as done, read back.
 * The re-check reads the key AND the store afresh right before every ScheduleKeyDeletion, never a
 * cached store: a colleague may disconnect the store between two calls of one batch, and a key
 * scheduled then would leave its material orphaned in the cluster (aws-facts 2.4). One
 * DescribeCustomKeyStores per key fits its 5/s quota (the adapter paces it).
 */
export function scheduleExecutable(ctx: StepContext, item: PlanItem, opts: ScheduleOptions): Executable {
  const keyId = item.target;
  return {
    item,
    recheck: async () => {
      const key = await ctx.aws.kms().describeKey(keyId);
      if (!key) return { ...item, status: 'skip', reason: 'the key no longer exists (deleted since the plan)' };
      const store = await ctx.aws.kms().describeStore(ctx.store.id);
      if (!store) return { ...item, status: 'blocked', reason: `store ${ctx.store.id} no longer exists` };
      const fresh = evaluateScheduleKey(key, store, opts, item.details?.aliases as string[] | undefined);
      // the evidence verdict is not recomputed (minutes of CloudTrail); its check is carried over
      const evidenceChecks = item.checks.filter(
        (c) => c.name !== 'key-in-store' && !fresh.checks.some((f) => f.name === c.name),
      );
      // still to apply: keep the plan's reason, which carries the evidence and trial notes
      const reason = fresh.status === 'apply' && item.status === 'apply' ? item.reason : fresh.reason;
      return {
        ...fresh,
        reason,
        checks: [...fresh.checks, ...evidenceChecks],
        details: { ...item.details, ...fresh.details },
      };
    },
    apply: async () => {
      let note: string | undefined;
      try {
        await ctx.aws.kms().scheduleKeyDeletion(keyId, opts.windowDays);
      } catch (err) {
        // aws-facts 1.2: already PendingDeletion -> KMSInvalidStateException "... is pending deletion": done.
        // The re-check just saw it schedulable, so either a colleague scheduled it in between, or the
        // SDK retried our own call whose first answer was lost (timeout, dropped connection): the
        // error cannot tell which, so the note names both rather than blame someone else.
        if (
          err instanceof AwsCallError &&
          err.code === 'KMSInvalidStateException' &&
          /is pending deletion/i.test(err.message)
        ) {
          note =
            'already PendingDeletion (possibly by our earlier attempt whose answer was lost, or by someone else meanwhile)';
        } else {
          throw explainAccessDenied(err, opts.windowDays);
        }
      }
      const back = await readBack(
        () => ctx.aws.kms().describeKey(keyId),
        (k) => k?.state === 'PendingDeletion',
        ctx.clock,
      );
      if (!back.confirmed) {
        throw new KscliError(
          ExitCode.Failure,
          `ScheduleKeyDeletion on ${keyId} returned, but the key still reads as ${back.value?.state ?? 'missing'} after ${back.attempts} reads`,
          'AWS may be slow to show the change (eventual consistency): run the same command again; it skips keys already pending deletion',
        );
      }
      return { deletionDate: back.value?.deletionDate, state: back.value?.state, ...(note ? { note } : {}) };
    },
  };
}

/** The alarm line: required unless --no-alarm (issue 3). */
export async function alarmLine(
  ctx: StepContext,
  evidence: EvidencePort,
  storeKeys: KeyInfo[],
  opts: EvidenceOptions,
): Promise<PlanItem> {
  const base = { target: 'pending-deletion alarm', targetKind: 'alarm' as const, action: 'CheckAlarm' };
  if (!opts.alarm) {
    return {
      ...base,
      status: 'skip',
      reason: 'not required (--no-alarm)',
      checks: [{ name: 'alarm-in-place', ok: false, overrideFlag: '--no-alarm', overridden: true }],
    };
  }
  const check = await evidence.alarmInPlace(ctx.aws, {
    store: ctx.store,
    storeKeys,
    region: ctx.region,
    nextStep: ctx.nextStep,
    snsTopicArn: opts.snsTopicArn,
    logGroup: opts.logGroup,
  });
  if (check.ok) return { ...base, status: 'skip', reason: check.detail ?? 'already in place', checks: [check] };
  return {
    ...base,
    status: 'blocked',
    reason: check.detail
      ? `${check.detail} (or pass --no-alarm to go on without the alarm)`
      : `no alarm for use of keys pending deletion: create it with "${stepCommand(ctx, ['alarm', ctx.store.id])}", or pass --no-alarm`,
    checks: [{ ...check, overrideFlag: check.overrideFlag ?? '--no-alarm' }],
  };
}

export function evidenceOverrides(opts: EvidenceOptions): string[] {
  const o: string[] = [];
  if (opts.allowInUse) o.push('--allow-in-use');
  if (opts.allowUnknownUsage) o.push('--allow-unknown-usage');
  if (opts.allowDataLoss) o.push('--allow-data-loss');
  if (opts.dependents === 'off') o.push('--dependents off');
  if (!opts.alarm) o.push('--no-alarm');
  return o;
}

/**
 * Lines for the keys to schedule: the pure checks, then the evidence verdict for the keys that
 * passed them (evidence is expensive: only keys that would be scheduled are assessed).
 */
export async function planScheduleItems(
  ctx: StepContext,
  evidence: EvidencePort,
  keys: KeyInfo[],
  opts: ScheduleOptions,
  aliases: Map<string, string[]>,
): Promise<Executable[]> {
  const items = keys.map((k) => evaluateScheduleKey(k, ctx.store, opts, aliases.get(k.keyId)));
  const toAssess = keys.filter((_, i) => items[i]!.status === 'apply');
  const assessments = toAssess.length
    ? await evidence.assessKeys(ctx.aws, toAssess, assessOptionsFor(ctx, opts.evidence))
    : new Map<string, KeyAssessment>();
  // issue 20: a key in a trial is scheduled only once its trial ended without failed calls
  const { reports } = await readTrials(
    ctx.aws,
    toAssess.filter((k) => k.state !== 'Enabled'),
    ctx.clock.now(),
  );
  const endTrial = endTrialIds(opts.endTrial ?? [], keys, aliases);
  return items.map((it) => {
    const trial = reports.get(it.target);
    const gate = evaluateTrialGate(trial, ctx.clock.now(), endTrial.has(it.target));
    const assessment = assessments.get(it.target);
    const gated = withTrialGate(withEvidence(it, resolvedByTrial(assessment, gate)), gate, trial);
    const key = keys.find((k) => k.keyId === it.target);
    const rec =
      key &&
      recommendTrial(
        key,
        assessment,
        trial !== undefined,
        { now: ctx.clock.now(), unusedDays: opts.evidence.unusedDays },
        (args) => stepCommand(ctx, args),
      );
    const item = rec ? withTrialRecommendation(gated, rec) : gated;
    return item.status === 'apply' ? scheduleExecutable(ctx, item, opts) : { item, apply: async () => ({}) };
  });
}

export async function planScheduleDeletion(
  ctx: StepContext,
  evidence: EvidencePort,
  storeKeys: KeyInfo[],
  sel: { include: KeyRef[]; exclude: KeyRef[] },
  opts: ScheduleOptions,
): Promise<PlannedStep> {
  const selection = await selectKeys(ctx.aws, ctx.store.id, storeKeys, sel.include, sel.exclude, SCHEDULE);
  const aliases = await aliasesByKey(ctx.aws);
  const executables: Executable[] = [];
  const noop = async () => ({});
  for (const item of selection.refused) executables.push({ item, apply: noop });
  const keyItems = await planScheduleItems(ctx, evidence, selection.selected, opts, aliases);
  // the alarm matters only when a key would become PendingDeletion
  if (keyItems.some((e) => e.item.status !== 'skip'))
    executables.push({ item: await alarmLine(ctx, evidence, storeKeys, opts.evidence), apply: noop });
  executables.push(...keyItems);
  for (const k of selection.excluded) executables.push({ item: excludedLine(k, SCHEDULE), apply: noop });

  const warnings: string[] = failedTrialWarnings(ctx.store.id, executables, (args) => stepCommand(ctx, args));
  if (executables.some((e) => e.item.status === 'apply')) warnings.push(SECURITY_HUB_WARNING);
  if (ctx.store.type === 'EXTERNAL_KEY_STORE') {
    warnings.push(
      'External key store: KMS never deletes the external keys themselves; a deleted KMS key cannot be recreated, even from the same external key (aws-facts 8).',
    );
  }
  if (storeKeys.length === 0) warnings.push(`store ${ctx.store.id} holds no keys`);
  const overrides = evidenceOverrides(opts.evidence);
  if (opts.allowDisconnected) overrides.push('--allow-disconnected');
  return { warnings, overrides, executables };
}
