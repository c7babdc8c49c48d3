/**
 * Whether a plan file may be applied at all, before anything in AWS is read beyond the caller's
 * identity: not blocked, not older than --max-age, and made in this account and region by this
 * principal. Each problem is one line; any problem refuses the apply (exit 3, nothing changed).
 *
 * The caller is compared as a principal, not as a session: an assumed-role ARN carries a session
 * name that changes with every login (arn:aws:sts::111122223333:assumed-role/Admin/alice-1700000000),
 * so "the same role" is the same caller. A different principal (the change board approved Alice's
 * plan, a pipeline role applies it) is refused unless --allow-other-caller, which the journal
 * records with the applying caller's ARN.
 */
import { badInput } from '../../errors.js';
import { parseDuration } from '../../input/validate.js';
import type { PlanFile } from './document.js';

export interface ApplyingIdentity {
  account: string;
  region: string;
  callerArn: string;
}

export interface AdmissionOptions {
  maxAgeMs: number;
  allowOtherCaller: boolean;
}

/** The principal behind an ARN: an assumed-role session becomes its role. */
export function principalOf(arn: string): string {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** --max-age: 72h, 3d, 90m, 1d12h... (days added to the --wait-timeout syntax). */
export function parseMaxAge(value: string): number {
  const m = /^\s*(\d+)d(.*)$/.exec(value);
  if (!m) return parseDuration(value, '--max-age');
  const days = Number(m[1]) * 86_400_000;
  if (m[2]!.trim() === '') {
    if (days <= 0) throw badInput('--max-age must be longer than zero');
    return days;
  }
  return days + parseDuration(m[2]!, '--max-age');
}

export function formatAge(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  if (h >= 48) return `${Math.floor(h / 24)}d ${h % 24}h`;
  return h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor((ms % 60_000) / 1000)}s`;
}

/** A plan's creation time may be slightly ahead of this machine's clock (another machine made it). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Every reason this plan may not be applied now by this caller; empty when it may. */
export function admissionProblems(plan: PlanFile, who: ApplyingIdentity, now: Date, opts: AdmissionOptions): string[] {
  const problems: string[] = [];
  if (plan.blocked) {
    problems.push(
      `the plan is blocked (${plan.blockedReasons.length} reason(s)): a blocked plan is written for review only and can never be applied; fix the cause and make a new plan`,
    );
  }
  if (plan.account !== who.account)
    problems.push(`the plan is for account ${plan.account}, but the credentials are for account ${who.account}`);
  if (plan.region !== who.region)
    problems.push(
      `the plan is for region ${plan.region}, but this run is in region ${who.region} (pass --region ${plan.region})`,
    );
  if (principalOf(plan.callerArn) !== principalOf(who.callerArn) && !opts.allowOtherCaller) {
    problems.push(
      `the plan was made by ${plan.callerArn}, but you are ${who.callerArn}: pass --allow-other-caller to apply a plan another principal made (recorded in the journal)`,
    );
  }
  const age = now.getTime() - Date.parse(plan.createdAt);
  if (age > opts.maxAgeMs) {
    problems.push(
      `the plan is ${formatAge(age)} old (made ${plan.createdAt}), older than --max-age ${formatAge(opts.maxAgeMs)}: make a new plan, or pass a longer --max-age`,
    );
  } else if (age < -CLOCK_SKEW_MS) {
    problems.push(
      `the plan was made ${plan.createdAt}, ${formatAge(-age)} in the future of this machine's clock: check the clock`,
    );
  }
  return problems;
}
