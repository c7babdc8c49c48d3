/**
 * What the deletion steps need from the evidence module (src/workflow/evidence/, issue 3): a usage
 * verdict per key and the pending-deletion alarm. The steps receive it as a value, so unit tests can
 * stub it, and the real module is loaded only by the commands that need it.
 */
import type { AwsPorts, KeyInfo } from '../aws/ports.js';
import type { AssessOptions } from './evidence/assess.js';
import type { EvidenceMode } from './evidence/types.js';
import type { DependentsMode, KeyDependents } from './evidence/dependents/types.js';
import type { Check, Executable } from './plan.js';

export interface KeyAssessment {
  verdict: 'in-use' | 'unused' | 'unknown' | 'protects-data';
  /** ok false: the key must be blocked (detail says why; overrideFlag names the flag) */
  check: Check;
  /** issue 19: the use verdict alone (the usage-verdict check's) */
  useVerdict?: 'in-use' | 'unused' | 'unknown';
  /** issue 19: data found under the key; ok false blocks unless --allow-data-loss */
  dataCheck?: Check;
  /** issue 19: the resources found under the key (plans show the first, plan files re-check them) */
  dependents?: KeyDependents;
  /** who made the key's cryptographic calls in the window (CloudTrail), most active first */
  callers?: string[];
  evidence: unknown;
}

/** What the alarm planner works on: one definition, in the evidence module's types. */
export type { AlarmContext } from './evidence/types.js';
import type { AlarmContext } from './evidence/types.js';

export interface EvidencePort {
  assessKeys(aws: AwsPorts, keys: KeyInfo[], opts: AssessOptions): Promise<Map<string, KeyAssessment>>;
  planAlarm(aws: AwsPorts, ctx: AlarmContext): Promise<Executable[]>;
  alarmInPlace(aws: AwsPorts, ctx: AlarmContext): Promise<Check>;
}

/** The evidence options every deletion command takes (--allow-in-use, --no-alarm, ...). */
export interface EvidenceOptions {
  allowInUse: boolean;
  allowUnknownUsage: boolean;
  /** false with --no-alarm */
  alarm: boolean;
  snsTopicArn?: string;
  /** --log-group NAME: the alarm's log group, and the evidence's unless --log-group-arn */
  logGroup?: string;
  /** --log-group-arn ARN: the log group the Logs Insights evidence source queries */
  logGroupArn?: string;
  /** --evidence auto|logs|api */
  evidence?: EvidenceMode;
  days?: number;
  unusedDays?: number;
  /** --allow-data-loss (issue 19) */
  allowDataLoss?: boolean;
  /** --dependents auto|config|direct|off (default auto) */
  dependents?: DependentsMode;
  /** --config-aggregator NAME */
  configAggregator?: string;
}
