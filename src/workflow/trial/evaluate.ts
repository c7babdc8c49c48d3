/**
 * The trial's preconditions as pure functions (each one a test in test/unit/workflow/trial/):
 *  - evaluateDisable  a key to disable for a trial: Enabled -> DisableKey; already in a trial or
 *                     Disabled before it -> skip; PendingDeletion -> skip; Unavailable -> blocked
 *                     (DisableKey would only take effect once the store reconnects, aws-facts 1.2
 *                     [12]: nobody could fail meanwhile, so the trial would prove nothing);
 *                     a key under a DynamoDB table with a trial over 7 days -> blocked unless
 *                     --allow-dynamodb-archive (DynamoDB archives the table, aws-facts-data-at-rest D)
 *  - withUseVerdict   a key to disable whose usage verdict is `in-use` -> blocked unless
 *                     --allow-in-use: its callers are known, so disabling it is an outage kscli
 *                     can foresee, not a test (`unknown` and `unused` keys are what a trial is for)
 *  - evaluateEnable   enable-keys: only keys kscli disabled for a trial (tagged), or keys named
 *                     with --key; never a key Disabled before the trial
 *  - evaluateTrialGate  before ScheduleKeyDeletion: a key in a trial is scheduled only once the
 *                     trial has ended without failed calls (or, still running, when named with
 *                     --end-trial); a trial with failed calls never proceeds; a trial whose calls
 *                     could not be read blocks
 */
import type { KeyInfo } from '../../aws/ports.js';
import type { Check, PlanItem } from '../plan.js';
import type { KeyAssessment } from '../evidence-port.js';
import { keyDetails } from '../key-selection.js';
import { callerLines, trialSentence, type TrialReport } from './state.js';
import { DYNAMODB_MAX_TRIAL_DAYS, TRIAL_END_TAG, TRIAL_START_TAG } from './tags.js';

export const DISABLE = 'DisableKey';
export const ENABLE = 'EnableKey';

/** What kscli knows of the DynamoDB tables under a key (dynamodb.ts). */
export type DynamoDependence =
  { kind: 'none' } | { kind: 'tables'; names: string[] } | { kind: 'unknown'; why: string };

export interface DisableOptions {
  days: number;
  now: Date;
  allowDynamoDbArchive: boolean;
}

export function evaluateDisable(
  key: KeyInfo,
  trial: TrialReport | undefined,
  dynamo: DynamoDependence,
  opts: DisableOptions,
  aliases?: string[],
): PlanItem {
  const checks: Check[] = [];
  const details: Record<string, unknown> = {
    ...keyDetails(key, aliases),
    // the tags' times are taken when the key is disabled (executables.ts), not at the plan: a saved
    // plan applied later must compare equal (kscli apply), so the plan holds the length only
    params: { KeyId: key.keyId, TrialDays: opts.days, TagKeys: [TRIAL_START_TAG, TRIAL_END_TAG] },
    ...(trial ? { trial } : {}),
  };
  const line = (status: PlanItem['status'], reason: string): PlanItem => ({
    target: key.keyId,
    targetKind: 'key',
    action: DISABLE,
    status,
    reason,
    checks,
    details,
  });
  if (key.keyManager !== 'CUSTOMER') return line('blocked', 'AWS-managed key: it cannot be disabled');
  if (key.state === 'PendingDeletion') return line('skip', 'already PendingDeletion: nothing to try');
  if (trial) return line('skip', trialSentence(trial, opts.now));
  if (key.state === 'Disabled')
    return line('skip', 'Disabled before the trial: not a trial key (kscli enable-keys leaves it Disabled)');
  if (key.state !== 'Enabled') {
    checks.push({ name: 'key-usable', ok: false, detail: `state ${key.state}` });
    return line(
      'blocked',
      `state ${key.state}: DisableKey would take effect only when the store is connected again, and nobody can fail meanwhile; connect the store first`,
    );
  }
  if (opts.days > DYNAMODB_MAX_TRIAL_DAYS && dynamo.kind !== 'none') {
    const what =
      dynamo.kind === 'tables'
        ? `the key encrypts DynamoDB table(s) ${dynamo.names.join(', ')}`
        : `kscli cannot tell whether a DynamoDB table uses the key (${dynamo.why})`;
    const c: Check = {
      name: 'dynamodb-trial-length',
      ok: false,
      detail: `${what}: DynamoDB archives a table whose key stays inaccessible for more than ${DYNAMODB_MAX_TRIAL_DAYS} days`,
      overrideFlag: '--allow-dynamodb-archive',
      ...(opts.allowDynamoDbArchive ? { overridden: true } : {}),
    };
    checks.push(c);
    if (!opts.allowDynamoDbArchive)
      return line(
        'blocked',
        `${c.detail}: use --trial-days ${DYNAMODB_MAX_TRIAL_DAYS} or less, or pass --allow-dynamodb-archive`,
      );
  } else if (dynamo.kind === 'tables') {
    checks.push({ name: 'dynamodb-trial-length', ok: true, detail: `DynamoDB table(s) ${dynamo.names.join(', ')}` });
  }
  const note = checks.some((c) => c.overridden) ? ' (DynamoDB may archive its table: --allow-dynamodb-archive)' : '';
  const until = new Date(opts.now.getTime() + opts.days * 86_400_000).toISOString().slice(0, 10);
  return line('apply', `disable for a ${opts.days}-day trial (until about ${until})${note}`);
}

/** What the in-use gate reads of a key's assessment. */
export type UseAssessment = Pick<KeyAssessment, 'verdict' | 'useVerdict' | 'check' | 'callers'>;

/**
 * Adds a key's usage verdict to its DisableKey line (issue 20's trial). A key kscli sees `in-use`
 * has a caller it can name: disabling it makes that caller fail, which is an outage foreseen rather
 * than a trial's finding, so the line is blocked unless --allow-in-use (the same override that
 * scheduling the key needs after the trial). `unknown` and `unused` keys go ahead: a trial is how
 * an unknown verdict is resolved. Only the use verdict counts here: data at rest under a key is
 * unreadable while the key is disabled and readable again after EnableKey (DynamoDB's archive after
 * 7 days has its own check above).
 */
export function withUseVerdict(item: PlanItem, assessment: UseAssessment | undefined, allowInUse: boolean): PlanItem {
  if (!assessment || item.status !== 'apply' || item.action !== DISABLE) return item;
  const verdict = assessment.useVerdict ?? assessment.verdict;
  const callers = assessment.callers ?? [];
  const details = { ...item.details, verdict, ...(callers.length ? { callers } : {}) };
  if (verdict !== 'in-use') {
    const check: Check = { name: 'usage-verdict', ok: true, detail: `${verdict}: ${assessment.check.detail ?? ''}` };
    return { ...item, checks: [...item.checks, check], details };
  }
  const who = callers.length ? `${callers.join(', ')} will fail` : 'its callers will fail';
  const check: Check = {
    name: 'usage-verdict',
    ok: false,
    detail: assessment.check.detail ?? 'in use',
    overrideFlag: '--allow-in-use',
    ...(allowInUse ? { overridden: true } : {}),
  };
  const checks = [...item.checks, check];
  if (!allowInUse)
    return {
      ...item,
      checks,
      details,
      status: 'blocked',
      reason: `in-use: ${check.detail}; disabling it is an outage, not a trial: ${who} until EnableKey (override: --allow-in-use, or leave it out with --exclude-key)`,
    };
  return { ...item, checks, details, reason: `${item.reason} (in-use, overridden with --allow-in-use: ${who})` };
}

/**
 * enable-keys: `named` is true when the operator named the key with --key. `connected`: the
 * store's connection (EnableKey on an Unavailable key takes effect on reconnect).
 */
export function evaluateEnable(
  key: KeyInfo,
  trial: TrialReport | undefined,
  named: boolean,
  connected: boolean,
  aliases?: string[],
): PlanItem {
  const details: Record<string, unknown> = {
    ...keyDetails(key, aliases),
    params: { KeyId: key.keyId },
    ...(trial ? { trial } : {}),
  };
  const base = { target: key.keyId, targetKind: 'key' as const, action: ENABLE, details };
  const later = connected ? '' : ' (takes effect when the store is connected again)';
  if (key.state === 'PendingDeletion')
    return {
      ...base,
      status: 'skip',
      reason: 'PendingDeletion: cancel it first (kscli cancel-deletion --enable)',
      checks: [],
    };
  if (key.state === 'Enabled')
    return {
      ...base,
      status: 'skip',
      reason: trial ? 'already Enabled (its trial tags are removed)' : 'already Enabled',
      checks: [],
    };
  if (trial) {
    // a failed trial is why the operator rolls back: say who needed the key
    const failed =
      trial.phase === 'failed' && trial.failures.length ? `; it failed: ${callerLines(trial.failures).join('; ')}` : '';
    return {
      ...base,
      status: 'apply',
      reason: `re-enable: disabled for a trial from ${trial.start}${failed}${later}`,
      checks: [{ name: 'disabled-for-trial', ok: true }],
    };
  }
  if (named)
    return {
      ...base,
      status: 'apply',
      reason: `re-enable: named with --key${later}`,
      checks: [{ name: 'disabled-for-trial', ok: false, detail: 'not disabled by a kscli trial', overridden: true }],
    };
  return {
    ...base,
    status: 'skip',
    reason: 'Disabled, but not by a kscli trial: left Disabled (name it with --key to enable it)',
    checks: [{ name: 'disabled-for-trial', ok: false, detail: 'no kscli:trial-* tags' }],
  };
}

/**
 * The 'trial-clean' check of a key about to be scheduled, or undefined when the key is in no
 * trial. `endEarly`: the operator named the key with --end-trial (a running trial cut short).
 */
export function evaluateTrialGate(trial: TrialReport | undefined, now: Date, endEarly: boolean): Check | undefined {
  if (!trial) return undefined;
  const sentence = trialSentence(trial, now);
  if (trial.phase === 'failed')
    return {
      name: 'trial-clean',
      ok: false,
      detail: `${sentence}: ${callerLines(trial.failures).join('; ')}; a trial with failed calls never proceeds: roll back with kscli enable-keys`,
    };
  if (trial.phase === 'unknown') return { name: 'trial-clean', ok: false, detail: sentence };
  if (trial.phase === 'running') {
    return {
      name: 'trial-clean',
      ok: false,
      detail: sentence,
      overrideFlag: '--end-trial',
      ...(endEarly ? { overridden: true } : {}),
    };
  }
  return { name: 'trial-clean', ok: true, detail: sentence };
}

/**
 * Adds the trial gate to a key's schedule line; a failed, not overridden gate blocks it. A line
 * another check already blocked (its usage evidence can see the trial's failed calls too) still
 * carries its trial, and a failed trial's reason comes first: it is the one no flag overrides.
 */
export function withTrialGate(item: PlanItem, gate: Check | undefined, trial: TrialReport | undefined): PlanItem {
  if (!gate || item.status === 'skip') return item;
  const checks = [...item.checks, gate];
  const details = { ...item.details, trial };
  if (!gate.ok && !gate.overridden) {
    const how = gate.overrideFlag ? ` (to cut it short: ${gate.overrideFlag} ${item.target})` : '';
    const also = item.status === 'blocked' ? `; ${item.reason}` : '';
    return { ...item, checks, details, status: 'blocked', reason: `${gate.detail}${how}${also}` };
  }
  if (item.status === 'blocked') return { ...item, checks, details };
  const note = gate.overridden ? ` (trial cut short with --end-trial)` : ` (${gate.detail})`;
  return { ...item, checks, details, reason: `${item.reason}${note}` };
}

/**
 * A clean, ended trial resolves an `unknown` usage verdict (issue 20: "a trial is how it should be
 * resolved"): nobody failed while the key was disabled. An `in-use` verdict keeps its override
 * (--allow-in-use): a key used before the trial may serve a caller with a longer cycle.
 */
export function resolvedByTrial<A extends { verdict: string; check: Check }>(
  assessment: A | undefined,
  gate: Check | undefined,
): A | undefined {
  if (!assessment || !gate?.ok || assessment.verdict !== 'unknown' || assessment.check.ok) return assessment;
  return {
    ...assessment,
    check: {
      ...assessment.check,
      ok: true,
      overridden: false,
      detail: `unknown usage resolved by the trial: ${gate.detail}`,
    },
  };
}

/** --end-trial references (id, ARN, alias) as key ids of `keys`. */
export function endTrialIds(refs: string[], keys: KeyInfo[], aliases: Map<string, string[]>): Set<string> {
  const out = new Set<string>();
  for (const ref of refs)
    for (const k of keys)
      if (
        k.keyId === ref ||
        k.arn === ref ||
        (aliases.get(k.keyId) ?? []).some((a) => a === ref || ref.endsWith(`:${a}`))
      )
        out.add(k.keyId);
  return out;
}
