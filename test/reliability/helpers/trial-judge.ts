/**
 * Issue 20's invariants judged from the sandbox's own record (its request log with sandbox times,
 * the tags kscli put on keys, and the sandbox's CloudTrail events), never from what kscli printed.
 * Shared by trial-invariants.test.ts (scripted trials) and trial-schedules.property.test.ts
 * (random schedules):
 *   T1 no key is scheduled before its trial has ended, unless named with --end-trial
 *   T2 enable-keys enables only keys disabled for a trial (tagged by kscli, not untagged since), or named with --key
 *   T3 a trial with failed calls never proceeds: no key is scheduled after a failed call during its trial
 *   T4 no key in use is disabled for a trial without --allow-in-use: no DisableKey of a run without
 *      the flag on a key with a successful cryptographic call in the 90 days before the run began
 *      (kscli's default evidence window; the runs judged here do not pass --days)
 */
import type { InProcessSandbox, LoggedRequest } from './in-process-sandbox.js';

export interface TrialRun {
  n: number;
  argv: string[];
}

const T = (r: LoggedRequest) => Date.parse(r.sandboxTime ?? r.time);
const keyOf = (r: LoggedRequest) => String(r.params?.KeyId ?? '');

/** The trial window kscli had recorded on `key` before request `seq` (a TagResource not undone since), from the request log. */
export function activeTrial(
  requests: LoggedRequest[],
  key: string,
  seq: number,
): { start: number; end: number } | undefined {
  let trial: { start: number; end: number } | undefined;
  for (const r of requests) {
    if (r.seq >= seq) break;
    if (keyOf(r) !== key || r.outcome !== 'ok') continue;
    if (r.operation === 'TagResource') {
      const tags = (r.params?.Tags ?? []) as Array<{ TagKey: string; TagValue: string }>;
      const s = tags.find((x) => x.TagKey === 'kscli:trial-start');
      const e = tags.find((x) => x.TagKey === 'kscli:trial-end');
      if (s && e) trial = { start: Date.parse(s.TagValue), end: Date.parse(e.TagValue) };
    }
    if (r.operation === 'UntagResource') trial = undefined;
  }
  return trial;
}

const CRYPTO = ['Decrypt', 'Encrypt', 'GenerateDataKey'];
const WINDOW_MS = 90 * 86_400_000;

/** The sandbox's CloudTrail record of cryptographic calls on `key` (their event times): failed ones, or successful ones. */
function cryptoCalls(sb: InProcessSandbox, key: string, failed: boolean): number[] {
  return sb.model.acc.state.events
    .map(
      (e) =>
        JSON.parse(e.json) as {
          eventName: string;
          errorCode?: string;
          eventTime: string;
          resources?: Array<{ ARN: string }>;
        },
    )
    .filter((e) => CRYPTO.includes(e.eventName) && Boolean(e.errorCode) === failed)
    .filter((e) => e.resources?.some((x) => x.ARN.endsWith(`/${key}`)))
    .map((e) => Date.parse(e.eventTime));
}

/** The sandbox's CloudTrail record of failed cryptographic calls on `key` (their event times). */
export const failedCalls = (sb: InProcessSandbox, key: string): number[] => cryptoCalls(sb, key, true);

/** Every T1-T3 violation in the sandbox's record so far (`runs`: the argv of each kscli run, by number). */
export function trialViolations(sb: InProcessSandbox, runs: TrialRun[]): string[] {
  const out: string[] = [];
  const argvOf = (n: number) => runs.find((r) => r.n === n)?.argv ?? [];
  const named = (argv: string[], flag: string, key: string) => argv.some((a, i) => argv[i - 1] === flag && a === key);
  const runStart = new Map<number, number>();
  for (const r of sb.requests.filter((q) => q.caller === 'kscli')) {
    const key = keyOf(r);
    if (!runStart.has(r.run)) runStart.set(r.run, T(r));
    if (r.operation === 'DisableKey' && r.outcome === 'ok' && !argvOf(r.run).includes('--allow-in-use')) {
      const began = runStart.get(r.run)!;
      const used = cryptoCalls(sb, key, false).filter((e) => e < began && e >= began - WINDOW_MS);
      if (used.length)
        out.push(
          `T4 ${key} disabled for a trial at ${r.sandboxTime} without --allow-in-use, used at ${new Date(Math.max(...used)).toISOString()}`,
        );
    }
    if (r.operation === 'ScheduleKeyDeletion') {
      const trial = activeTrial(sb.requests, key, r.seq);
      if (!trial) continue;
      if (T(r) < trial.end && !named(argvOf(r.run), '--end-trial', key))
        out.push(`T1 ${key} scheduled at ${r.sandboxTime} before its trial ended`);
      const failed = failedCalls(sb, key).filter((f) => f >= trial.start - 60_000 && f <= T(r));
      if (failed.length) out.push(`T3 ${key} scheduled after ${failed.length} failed call(s) during its trial`);
    }
    if (r.operation === 'EnableKey' && argvOf(r.run)[0] === 'enable-keys') {
      if (!activeTrial(sb.requests, key, r.seq) && !named(argvOf(r.run), '--key', key))
        out.push(`T2 ${key} enabled by enable-keys without a trial or --key`);
    }
  }
  return out;
}
