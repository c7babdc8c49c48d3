/**
 * A key's CloudTrail section (types.ts CloudTrailEvidence) from a summary of its events, whichever
 * source counted them: LookupEvents (cloudtrail-classify.ts) or Logs Insights over the trail's log
 * group (logs-insights-query.ts). One assembly, so the two sources fill the same fields.
 */
import type { CloudTrailEvidence, SourceStatus } from './types.js';

/** What both sources' summaries hold. */
type Counted = Pick<
  CloudTrailEvidence,
  'operations' | 'principals' | 'newest' | 'failedAttemptCount' | 'failedAttempts'
>;

/** The section of a source that answered: its counts, plus what only that source knows (`extra`). */
export function cloudTrailSection(
  summary: Counted,
  window: CloudTrailEvidence['window'],
  extra: Pick<CloudTrailEvidence, 'ignoredEventCount'> &
    Partial<Pick<CloudTrailEvidence, 'daily' | 'segments' | 'failedErrorCodes'>>,
): CloudTrailEvidence {
  return {
    status: 'ok',
    window,
    operations: summary.operations,
    principals: summary.principals,
    ...(summary.newest ? { newest: summary.newest } : {}),
    failedAttemptCount: summary.failedAttemptCount,
    failedAttempts: summary.failedAttempts,
    ...extra,
  };
}

/**
 * The section of a source that was not read: its gap named, nothing counted (never "unused").
 * A source that failed has no days (`daily` empty); one not asked cannot count per day (absent).
 */
export function unreadCloudTrailSection(
  status: Exclude<SourceStatus, 'ok'>,
  error: string,
  window: CloudTrailEvidence['window'],
): CloudTrailEvidence {
  return {
    status,
    error,
    window,
    operations: {},
    principals: [],
    failedAttemptCount: 0,
    failedAttempts: [],
    ignoredEventCount: 0,
    ...(status === 'not-asked' ? {} : { daily: [] }),
  };
}
