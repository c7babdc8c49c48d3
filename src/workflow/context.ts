/**
 * What a step (planner + its executables) works with (the plan model itself: ./plan.ts). The commands build it from Deps; unit tests
 * build it from the fake account.
 */
import type { AwsPorts, Progress, StoreInfo } from '../aws/ports.js';
import type { Clock } from './clock.js';

/** A step's context whatever the plan's subject (src/workflow/plan-runner/subject.ts). */
export interface SubjectContext {
  aws: AwsPorts;
  clock: Clock;
  region: string;
  /** one line for the operator on stderr (noticed changes, waits) */
  say(line: string): void;
  /**
   * A command for the operator to run next, with the run's context flags (Deps.nextStep); absent in
   * unit tests: plain `kscli …` (stepCommand below).
   */
  nextStep?: (args: string[]) => string;
  /** progress of long scans (a bar on a TTY, nothing otherwise) */
  scanProgress?: Progress;
  /** true once the operator pressed Ctrl-C: long waits stop (exit 130) */
  interrupted?: () => boolean;
  /** aborted on Ctrl-C while planning: the Logs Insights queries are stopped (issue 10) */
  signal?: AbortSignal;
  /** progress of running Logs Insights queries (a status line on a TTY) */
  queryProgress?: (p: {
    logGroup: string;
    status: string;
    recordsScanned: number;
    bytesScanned: number;
    done: boolean;
  }) => void;
}

/** A step of a store command: the store as read for the plan. */
export interface StepContext extends SubjectContext {
  store: StoreInfo;
}

/** What the plan runner shows while a plan is made (Deps.assessProgress builds it from ui/). */
export interface AssessProgress {
  onKeys: Progress;
  onQuery: NonNullable<SubjectContext['queryProgress']>;
  stop(): void;
}

/** A command a plan line tells the operator to run, with the run's context when the runner gave it. */
export function stepCommand(ctx: Pick<SubjectContext, 'nextStep'>, args: string[]): string {
  return ctx.nextStep ? ctx.nextStep(args) : ['kscli', ...args].join(' ');
}
