/**
 * The review document of a plan (issue 9): what a change board reads in a ticket. Sections:
 *   # Change plan: <command> <subject>        the summary table (subject, account, region, who, when, status, digest)
 *   ## Keys                                   (a store) one row per key of the store: key, aliases, state, verdict, evidence, action
 *   ## Trial                                  (issue 20) keys in a trial: phase, window, failed calls and callers; recommended trials
 *   ## Other changes                          store, alarm, metric filter and backup lines (any other subject: ## Changes, every line)
 *   ## Blocked                                (blocked plans) each reason and the flag that overrides it
 *   ## Overrides                              each override flag, its effect, and who took it
 *   ## Alarm                                  the pending-deletion alarm the plan rests on
 *   ## Cost                                   (issue 21) a CloudHSM store's cluster cost / what retiring the cluster saves
 *   ## What happens next                      the changes, deletion dates, the earliest delete-store run, expiry
 *   ## Warnings
 *   ## Integrity                              the digest and how to verify / apply the file
 * Plain GFM (gfm.ts). The document is rendered from the plan file alone, so `kscli show FILE
 * --output markdown` reproduces what `--plan-out FILE --output markdown` printed.
 */
import { shellQuote, type NextStep } from '../next-step.js';
import {
  applyItems,
  isStoreObservations,
  type Observations,
  type PlanFile,
  type PlanFileItem,
  type VerdictObservation,
} from '../../workflow/plan-file/document.js';
import { planCostSection } from './plan-cost.js';
import { bold, bullets, cell, code, heading, table, text, utc } from './gfm.js';

const DAY_MS = 86_400_000;

/** What each override flag lets through, for the reviewer. */
const OVERRIDE_EFFECT: Record<string, string> = {
  '--allow-in-use': 'keys whose usage verdict is in-use are scheduled anyway',
  '--allow-unknown-usage': 'keys whose usage cannot be established are scheduled anyway',
  '--no-alarm': 'keys are scheduled without the pending-deletion alarm',
  '--allow-data-loss':
    'keys that protect data are scheduled anyway: the resources encrypted under them become unreadable when the keys are deleted',
  '--dependents off': 'the data at rest under the keys was not searched',
  '--allow-disconnected':
    'keys are scheduled while the CloudHSM store is not CONNECTED (their material is orphaned in the cluster)',
  '--force': 'the action goes ahead although keys depend on it',
  '--allow-orphaned-material':
    'the store is disconnected while keys wait for deletion (their material stays in the cluster)',
  '--replace': 'an existing kscli metric filter or alarm with a different configuration is overwritten',
  '--end-trial': 'a running trial is cut short for the keys named: they are scheduled before their trial ends',
  '--allow-dynamodb-archive':
    'keys under a DynamoDB table are disabled for more than 7 days: DynamoDB may archive the table',
};

/** A key line's trial (details.trial, issue 20) as the plan recorded it. */
interface TrialDetail {
  phase: string;
  start: string;
  end: string;
  days: number;
  failures: Array<{
    time: string;
    operation: string;
    principal: string;
    account?: string;
    region?: string;
    errorCode: string;
  }>;
  gap?: string;
}

const trialOf = (i: PlanFileItem): TrialDetail | undefined => {
  const t = i.details?.trial as TrialDetail | undefined;
  return t && typeof t.phase === 'string' && Array.isArray(t.failures) ? t : undefined;
};
const recommendationOf = (i: PlanFileItem): { reason: string; command: string } | undefined => {
  const r = i.details?.trialRecommended as { reason?: unknown; command?: unknown } | undefined;
  return r && typeof r.reason === 'string' && typeof r.command === 'string'
    ? { reason: r.reason, command: r.command }
    : undefined;
};

/**
 * issue 20: the keys in a trial (phase, window, failed calls by caller: a reviewer sees at once
 * whether the trial caught anyone), then the keys for which a trial is recommended.
 */
function trialSection(plan: PlanFile, next: NextStep): string {
  const keyItems = plan.items.filter((i) => i.targetKind === 'key');
  const seen = new Set<string>();
  const rows: string[][] = [];
  const failures: string[] = [];
  for (const i of keyItems) {
    const t = trialOf(i);
    if (!t || seen.has(i.target)) continue;
    seen.add(i.target);
    const callers = [...new Set(t.failures.map((f) => f.principal))];
    rows.push([
      code(i.target),
      t.phase === 'failed' ? bold('failed') : cell(t.phase),
      cell(`${utc(t.start)} .. ${utc(t.end)} (${t.days} days)`),
      t.gap ? cell(`unknown (${t.gap})`) : String(t.failures.length),
      callers.length ? callers.map(code).join(', ') : '-',
    ]);
    for (const f of t.failures)
      failures.push(
        `${code(i.target)}: ${text(f.operation)} by ${code(f.principal)} at ${utc(f.time)} (${text(f.errorCode)}; account ${code(f.account ?? '?')}, ${text(f.region ?? '?')})`,
      );
  }
  const recs = keyItems
    .map((i) => [i.target, recommendationOf(i)] as const)
    .filter((x): x is readonly [string, { reason: string; command: string }] => x[1] !== undefined);
  if (rows.length === 0 && recs.length === 0) return '';
  let out = heading(2, 'Trial');
  if (rows.length) {
    // the latest end among the keys (they may have been disabled on different days)
    const end = keyItems.map(trialOf).reduce((a, t) => (t && t.end > a ? t.end : a), '');
    out += `\nKeys disabled for a trial (from their ${code('kscli:trial-*')} tags; failed calls from CloudTrail). The trial ends ${utc(end)}; a trial with failed calls never proceeds, and ${code(next(['enable-keys', plan.storeId ?? '<store>']))} rolls it back.\n\n`;
    out += table(['Key', 'Phase', 'Window', 'Failed calls', 'Callers'], rows);
    if (failures.length) out += `\n${bold('Failed calls')}:\n\n${bullets(failures)}`;
  }
  if (recs.length)
    out += `\n${bold('Trial recommended')} (unknown usage, or only old evidence):\n\n${bullets(recs.map(([k, r]) => `${code(k)}: ${text(r.reason)}: ${code(r.command)}`))}`;
  return out;
}

function statusWord(plan: PlanFile): string {
  if (plan.blocked) return bold('BLOCKED: this plan cannot be applied');
  const n = applyItems(plan).length;
  return n === 0 ? 'nothing to change' : `ready to apply: ${n} change(s)`;
}

function actionCell(item: PlanFileItem | undefined): string {
  if (!item) return '-';
  if (item.status === 'apply') return `${bold(text(item.action))}: ${text(item.reason)}`;
  if (item.status === 'blocked') return `${bold('BLOCKED')}: ${text(item.reason)}`;
  return `skip: ${text(item.reason)}`;
}

function evidenceCell(v: VerdictObservation | undefined): string {
  if (!v) return '-';
  const use = v.newestUse
    ? `; newest use ${v.newestUse.operation} ${v.newestUse.time.slice(0, 10)}${v.newestUse.principal ? ` by ${v.newestUse.principal}` : ''}`
    : '';
  const failed = v.failedAttempts ? `; ${v.failedAttempts} failed attempt(s)` : '';
  // issue 19: the data at rest found, named (the reviewer approves losing exactly these)
  const d = v.dataAtRest;
  const data = !d
    ? ''
    : d.status === 'found'
      ? `; data at rest: ${d.resources.length} resource(s): ${d.resources.slice(0, 5).join(', ')}${d.resources.length > 5 ? ', ...' : ''}`
      : d.status === 'gap'
        ? `; data at rest not covered: ${d.gaps.join('; ')}`
        : d.status === 'off'
          ? '; data at rest not searched'
          : '; no data at rest found';
  // the window, unless the reason already names it
  const window = v.reason.includes(v.window.start.slice(0, 10))
    ? ''
    : ` (CloudTrail ${v.window.start.slice(0, 10)}..${v.window.end.slice(0, 10)})`;
  return text(`${v.reason}${use}${failed}${data}${window}`);
}

function keysSection(plan: PlanFile, obs: Observations): string {
  const keys = obs.keys;
  const items = new Map(plan.items.filter((i) => i.targetKind === 'key').map((i) => [i.target, i]));
  const verdicts = new Map((obs.verdicts ?? []).map((v) => [v.keyId, v]));
  let out = heading(2, `Keys (${keys.length})`);
  if (keys.length === 0) return `${out}\nThe store holds no keys.\n`;
  const rows = keys.map((k) => {
    const item = items.get(k.keyId);
    const v = verdicts.get(k.keyId);
    const aliases = k.aliases ?? (Array.isArray(item?.details?.aliases) ? (item!.details!.aliases as string[]) : []);
    const state =
      k.state === 'PendingDeletion' && k.deletionDate
        ? `PendingDeletion (deletion on ${k.deletionDate.slice(0, 10)})`
        : k.state;
    const verdict =
      v?.verdict ?? (typeof item?.details?.verdict === 'string' ? (item.details.verdict as string) : undefined);
    return [
      code(k.keyId),
      aliases.length ? aliases.map(code).join(', ') : '-',
      cell(state),
      cell(verdict ?? 'not assessed'),
      evidenceCell(v),
      actionCell(item),
    ];
  });
  // keys the plan names that are not in the store (a --key outside it): their line says why
  for (const i of plan.items.filter((x) => x.targetKind === 'key' && !keys.some((k) => k.keyId === x.target))) {
    rows.push([code(i.target), '-', 'not in the store', '-', '-', actionCell(i)]);
  }
  out += `\n${table(['Key', 'Aliases', 'State', 'Verdict', 'Evidence', 'Action'], rows)}`;
  return out;
}

/** The lines that are not a store's keys (a store plan), or every line (any other subject). */
function otherSection(plan: PlanFile, store: boolean): string {
  const others = plan.items.filter((i) => !store || i.targetKind !== 'key');
  if (others.length === 0) return '';
  const rows = others.map((i) => [
    code(i.target),
    cell(i.targetKind),
    cell(i.action),
    cell(i.status === 'blocked' ? 'BLOCKED' : i.status),
    cell(i.reason),
  ]);
  return `${heading(2, store ? 'Other changes' : 'Changes')}\n${table(['Target', 'Kind', 'Action', 'Status', 'Reason'], rows)}`;
}

function blockedSection(plan: PlanFile): string {
  if (!plan.blocked) return '';
  return `${heading(2, 'Blocked')}\nThis plan is written for review only: ${bold('kscli apply refuses it')}. Each reason, and the flag that overrides it:\n\n${bullets(plan.blockedReasons.map(text))}`;
}

function overridesSection(plan: PlanFile): string {
  let out = heading(2, 'Overrides');
  if (plan.overrides.length === 0) return `${out}\nNone: every check applies.\n`;
  out += `\n${table(
    ['Flag', 'Effect', 'Taken by'],
    plan.overrides.map((o) => [code(o.flag), cell(OVERRIDE_EFFECT[o.flag] ?? 'a check is overridden'), code(o.by)]),
  )}`;
  return out;
}

function alarmSection(plan: PlanFile, obs: Observations): string {
  const a = obs.alarm;
  const noAlarm = plan.overrides.some((o) => o.flag === '--no-alarm');
  if (!a && !noAlarm) return '';
  const out = heading(2, 'Alarm');
  if (!a)
    return `${out}\nNot required: the plan was made with ${code('--no-alarm')} (nobody is alerted if a key pending deletion is still used).\n`;
  const lines: string[] = [];
  lines.push(
    a.trail
      ? `Trail ${code(a.trail)} (home region ${text(a.homeRegion ?? '?')}) delivers KMS events to log group ${code(a.logGroup ?? '?')}.`
      : 'No suitable CloudTrail trail was found.',
  );
  lines.push(
    a.metricFilter
      ? `Metric filter present: pattern ${code(a.metricFilter.filterPattern)} → ${code(`${a.metricFilter.metricNamespace}/${a.metricFilter.metricName}`)}.`
      : 'Metric filter: absent when the plan was made.',
  );
  if (a.alarm) {
    const al = a.alarm;
    lines.push(
      `Alarm ${code(al.alarmName)} present: ${text(`${al.statistic} over ${al.period} s ${al.comparisonOperator} ${al.threshold} in ${al.datapointsToAlarm} of ${al.evaluationPeriods}`)}; notifies ${al.alarmActions.length ? al.alarmActions.map(code).join(', ') : bold('nobody')}.`,
    );
  } else lines.push('Alarm: absent when the plan was made.');
  return `${out}\n${bullets(lines)}`;
}

function nextSection(plan: PlanFile, maxAgeHours: number, next: NextStep): string {
  const lines: string[] = [];
  const made = Date.parse(plan.createdAt);
  const apply = applyItems(plan);
  if (plan.blocked)
    lines.push('Nothing: the plan is blocked and cannot be applied. Fix the causes above and make a new plan.');
  else if (apply.length === 0) lines.push('Applying this plan changes nothing in AWS.');
  else {
    const byAction = new Map<string, number>();
    for (const i of apply) byAction.set(i.action, (byAction.get(i.action) ?? 0) + 1);
    lines.push(
      `On apply, kscli makes exactly these calls, in the order listed above: ${[...byAction].map(([a, n]) => `${n} × ${code(a)}`).join(', ')}. Nothing else, and never on a key this plan does not list.`,
    );
  }
  const scheduled = apply.filter((i) => i.action === 'ScheduleKeyDeletion');
  if (scheduled.length && !plan.blocked) {
    const windows = [...new Set(scheduled.map((i) => Number(i.params?.PendingWindowInDays ?? 30)))];
    const longest = Math.max(...windows);
    const ifNow = new Date(made + longest * DAY_MS);
    lines.push(
      `${scheduled.length} key(s) become PendingDeletion; AWS deletes them ${windows.join('/')} days after the apply (applied right away: ${utc(ifNow)}). Until then ${code('kscli cancel-deletion')} can cancel.`,
    );
    lines.push(
      `Earliest ${code(next(['delete-store', plan.subject.id]))} that can finish: 24 h after the last deletion date (applied right away: after ${utc(new Date(ifNow.getTime() + DAY_MS))}); until then it exits 8 with the date.`,
    );
  }
  if (plan.nextRunAfter)
    lines.push(
      `Keys already wait for deletion: run ${code(next(['delete-store', plan.subject.id]))} again after ${utc(plan.nextRunAfter)}.`,
    );
  if (plan.phase)
    lines.push(`This plan covers the delete-store phase ${code(plan.phase)} only; the next phase needs a new plan.`);
  if (apply.some((i) => i.action === 'DeleteBackup'))
    lines.push('Deleted backups stay restorable for 7 days (PENDING_DELETION), then are gone.');
  if (apply.some((i) => i.action === 'DisconnectCustomKeyStore'))
    lines.push('Disconnecting the store breaks every caller of its keys at once, until it is connected again.');
  lines.push(
    `${code('kscli apply')} refuses this file after ${utc(new Date(made + maxAgeHours * 3_600_000))} (default ${code(`--max-age ${maxAgeHours}h`)}), and whenever anything listed above has changed in AWS (it lists each difference and changes nothing).`,
  );
  return `${heading(2, 'What happens next')}\n${bullets(lines)}`;
}

export interface PlanMarkdownOptions {
  /** the plan file's path, for the commands the document quotes */
  file?: string;
  /** the default --max-age, in hours (72) */
  maxAgeHours?: number;
  /** the commands the document quotes, with the run's context flags (ui/next-step.ts); default: plain */
  nextStep?: NextStep;
}

const plainStep: NextStep = (args) => ['kscli', ...args].map(shellQuote).join(' ');

export function renderPlanMarkdown(plan: PlanFile, opts: PlanMarkdownOptions = {}): string {
  const { subject } = plan;
  const obs = isStoreObservations(plan.observations) ? plan.observations : undefined;
  const parts: string[] = [];
  parts.push(heading(1, `Change plan: ${text(plan.command)} ${text(subject.id)}`));
  parts.push(
    table(
      ['Field', 'Value'],
      [
        [
          subject.kind === 'store' ? 'Store' : `Subject (${subject.kind})`,
          `${code(subject.id)}${subject.label ? ` ${text(`(${subject.label})`)}` : ''}`,
        ],
        ...(obs?.store.clusterId ? [['Cluster', code(obs.store.clusterId)]] : []),
        ['Account', code(plan.account)],
        ['Region', code(plan.region)],
        ['Command', code(plan.commandLine)],
        ['Planned by', code(plan.callerArn)],
        ['Planned at', utc(plan.createdAt)],
        ['kscli', text(plan.kscliVersion)],
        ['Status', statusWord(plan)],
        ['Digest', code(plan.digest)],
      ],
    ),
  );
  if (obs) parts.push(keysSection(plan, obs));
  const next = opts.nextStep ?? plainStep;
  const trial = trialSection(plan, next);
  if (trial) parts.push(trial);
  const other = otherSection(plan, obs !== undefined);
  if (other) parts.push(other);
  const blocked = blockedSection(plan);
  if (blocked) parts.push(blocked);
  parts.push(overridesSection(plan));
  const alarm = obs ? alarmSection(plan, obs) : '';
  if (alarm) parts.push(alarm);
  const cost = planCostSection(plan, next);
  if (cost) parts.push(cost);
  parts.push(nextSection(plan, opts.maxAgeHours ?? 72, next));
  if (plan.warnings.length) parts.push(`${heading(2, 'Warnings')}\n${bullets(plan.warnings.map(text))}`);
  const file = opts.file ?? 'PLAN.json';
  parts.push(
    `${heading(2, 'Integrity')}\nSHA-256 over the plan's canonical content: ${code(plan.digest)}\n\n${bullets([
      `Verify the file: ${code(next(['show', file]))} (refuses a file whose content does not match the digest).`,
      `Apply it: ${code(next(['apply', file]))} (the same account, region and caller; it re-reads everything above first).`,
    ])}`,
  );
  return parts.join('\n');
}
