/**
 * The evidence module's options for a run's keys, from the run's evidence flags and its step
 * context: one assembly for every step that asks for usage verdicts (scheduling, and the trial's
 * in-use gate), so both read the same sources over the same window on the same clock.
 */
import type { AssessOptions } from './evidence/assess.js';
import type { EvidenceOptions } from './evidence-port.js';
import type { StepContext } from './context.js';

export function assessOptionsFor(ctx: StepContext, e: EvidenceOptions): AssessOptions {
  return {
    allowInUse: e.allowInUse,
    allowUnknownUsage: e.allowUnknownUsage,
    ...(e.allowDataLoss ? { allowDataLoss: true } : {}),
    ...(e.dependents ? { dependents: e.dependents } : {}),
    ...(e.configAggregator ? { configAggregator: e.configAggregator } : {}),
    days: e.days,
    unusedDays: e.unusedDays,
    // the verdict's window ends at the command's clock (a fake clock in tests)
    now: ctx.clock.now(),
    // Logs Insights polls wait on the same clock (deterministic in tests)
    sleep: (ms: number) => ctx.clock.sleep(ms),
    onProgress: ctx.scanProgress,
    ...(e.evidence ? { evidence: e.evidence } : {}),
    ...((e.logGroupArn ?? e.logGroup) ? { logGroup: e.logGroupArn ?? e.logGroup } : {}),
    region: ctx.region,
    warn: ctx.say,
    // the plan says when auto joined the log group and LookupEvents (issue 23)
    note: ctx.say,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.queryProgress ? { onQueryProgress: ctx.queryProgress } : {}),
  };
}
