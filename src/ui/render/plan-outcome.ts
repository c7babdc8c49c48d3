/**
 * Every mutating command's output, rendered from the plan runner's outcome
 * (src/workflow/plan-runner/): the plan before the confirmation (table output), then the results
 * and how the run ended, or the one JSON document.
 *
 * JSON (--output json):
 * {
 *   "schemaVersion": 1, "command": "schedule-deletion", "storeId": "cks-...", "account": "111122223333", "region": "...",
 *   "plan": [{"target": "<keyId>", "targetKind": "key" | "store" | "alarm" | "metric-filter" | "backup", "action": "ScheduleKeyDeletion" | ...,
 *             "status": "apply" | "skip" | "blocked", "reason": "...", "checks": [{"name", "ok", "detail"?, "overrideFlag"?, "overridden"?}],
 *             "details"?: {...},
 *             "result"?: "done" | "skipped" | "failed" | "not-run" | "blocked", "note"?, "error"?}],
 *   "outcome": "done" | "pending" | "blocked" | "dry-run" | "cancelled" | "nothing-to-do" | "interrupted" | "failed",
 *   "nextRunAfter"?: ISO,
 *   "warnings": ["..."], "overrides": ["--allow-disconnected", ...],
 *   ...the command's own fields (e.g. "changedSincePlan", "phase", "keysLeft": see each command's run.ts)
 * }
 */
import type { Deps } from '../../deps.js';
import type { OutcomeKind, PlanOutcome, PreparedPlan } from '../../workflow/plan-runner/types.js';
import { describeError } from '../../workflow/plan-runner/apply-items.js';
import { isoWithRelative, withRelativeDates } from '../dates.js';
import { writeJson } from '../json.js';
import { fitText } from '../wrap.js';
import { tableContext, type TableLayout } from './output.js';
import type { Body } from '../../schemas/common.js';
import type { DeleteStoreDocument, PlanExtras } from '../../schemas/plan.js';
import type { Style } from '../style.js';
import { blockedSummary, planItemJson, renderPlanTable, renderResultsTable } from './plan.js';

/**
 * The published schemas' type (src/schemas/plan.ts): plan.json for most mutating commands,
 * delete-store.json (the same fields plus delete-store's own) for delete-store.
 */
export type PlanDocumentJson = Omit<Body<DeleteStoreDocument>, 'command'> & { command: string };

/** What a command adds to the generic rendering from its Finish's typed data. */
export interface PlanOutcomeExtras<D> {
  /** more JSON fields, after the Finish's extra fields */
  json?(data: D): PlanExtras;
  /** more table lines, after the Finish's lines */
  lines?(data: D, style: Style, layout?: TableLayout): string[];
}

type RenderDeps = Pick<Deps, 'io' | 'globals' | 'style'> & Partial<Pick<Deps, 'clock'>>;

/** A line for stderr fitted to its terminal's width (stderr is not fitted as it is written: Inquirer draws on it). */
const errFit = (deps: RenderDeps, text: string): string =>
  deps.io.errColumns ? fitText(text, deps.io.errColumns) : text;

/** The plan as the operator sees it before confirming (table output only: JSON is one document at the end). */
export function renderPlanPreview(deps: RenderDeps, prepared: PreparedPlan): void {
  if (deps.globals.output === 'json') return;
  const { io, style } = deps;
  const { subject, planned } = prepared;
  // a store: "Plan: delete-store cks-... (prod, AWS_CLOUDHSM, CONNECTED)"; another subject names its kind
  const named = subject.kind === 'store' ? subject.id : `${subject.kind} ${subject.id}`;
  io.out.write(
    `${style.bold(`Plan: ${prepared.command} ${named}`)}${subject.label ? ` (${subject.label})` : ''} in account ${prepared.identity.account}, region ${prepared.ctx.region}\n`,
  );
  io.out.write(renderPlanTable(prepared.items, style, tableContext(deps)));
  for (const w of planned.warnings) io.out.write(`${style.warn('warning:')} ${w}\n`);
  if (planned.overrides.length) io.out.write(`overrides: ${planned.overrides.join(' ')}\n`);
}

export function planDocumentJson<D>(outcome: PlanOutcome<D>, extras: PlanOutcomeExtras<D> = {}): PlanDocumentJson {
  const { finish: f, report, planned } = outcome;
  const plan = report
    ? report.results.map((r) => planItemJson(r.item, r, describeError))
    : planned.executables.map((e) => planItemJson(e.item));
  return {
    command: outcome.command,
    // a store plan names its store; a plan about another subject names that subject
    ...(outcome.subject.kind === 'store'
      ? { storeId: outcome.subject.id }
      : { subject: { kind: outcome.subject.kind, id: outcome.subject.id } }),
    account: outcome.account,
    region: outcome.region,
    plan,
    outcome: f.outcome,
    ...(f.nextRunAfter ? { nextRunAfter: f.nextRunAfter.toISOString() } : {}),
    warnings: planned.warnings,
    overrides: planned.overrides,
    ...(f.extra ?? {}),
    ...(f.data !== undefined && extras.json ? extras.json(f.data) : {}),
  };
}

/** Why the run stopped, on stderr: what blocks the plan (and the flags that override it), a re-check that failed, an interrupt. */
export function stopNotice<D>(outcome: PlanOutcome<D>): string[] {
  const { report, finish: f } = outcome;
  if (!report) {
    if (f.outcome !== 'blocked') return [];
    const items = outcome.planned.executables.map((e) => e.item);
    const head = outcome.narrowable
      ? 'blocked: narrow the plan with --key / --exclude-key, or override a check with its flag:'
      : 'blocked: fix the cause, or override a check with its flag:';
    return [head, ...blockedSummary(items).map((l) => `  ${l}`)];
  }
  if (outcome.error !== undefined) return [];
  if (report.blockedOnRecheck)
    return [
      `stopped: ${report.blockedOnRecheck.target}: ${report.blockedOnRecheck.reason} (the world changed since the plan; what is done stays done)`,
    ];
  if (report.interrupted)
    return ['interrupted: the journal records what was done; run the same command again to continue'];
  return [];
}

/** Prints how the run ended: stderr notices, then the results table and the last line, or the JSON document. */
export function renderPlanOutcome<D>(
  deps: RenderDeps,
  outcome: PlanOutcome<D>,
  extras: PlanOutcomeExtras<D> = {},
): void {
  const { io, style } = deps;
  for (const line of stopNotice(outcome)) io.err.write(`${errFit(deps, line)}\n`);
  if (deps.globals.output === 'json') {
    writeJson(io.out, planDocumentJson(outcome, extras));
    return;
  }
  const { report, finish: f } = outcome;
  const layout = tableContext(deps);
  const now = layout.now ?? new Date();
  if (report) io.out.write(renderResultsTable(report.results, style, describeError, layout));
  for (const l of f.lines ?? []) io.out.write(`${withRelativeDates(l, now)}\n`);
  for (const l of f.data !== undefined && extras.lines ? extras.lines(f.data, style, layout) : [])
    io.out.write(`${l}\n`);
  const tail: Record<OutcomeKind, string> = {
    done: style.ok('done'),
    pending: style.warn(
      `pending: run again after ${f.nextRunAfter ? isoWithRelative(f.nextRunAfter, now) : 'AWS finishes'}`,
    ),
    blocked: style.bad('blocked: nothing was changed'),
    'dry-run': 'dry run: nothing was changed',
    cancelled: 'cancelled',
    'nothing-to-do': 'nothing to do',
    interrupted: style.warn('interrupted'),
    failed: style.bad('failed'),
  };
  if (report?.blockedOnRecheck) tail.blocked = style.bad('blocked on re-check: stopped before the next change');
  io.out.write(`${tail[f.outcome]}\n`);
}
