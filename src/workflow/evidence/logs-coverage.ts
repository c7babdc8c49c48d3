/**
 * When the CloudTrail log group may stand in for the per-key APIs, and for which dates (issue 10,
 * "When it may be trusted, and said so").
 *
 * The log group covers a stretch of time only if all of these hold:
 * - a trail delivers to it that records KMS read-only management events (every cryptographic call
 *   is one: not WriteOnly, kms.amazonaws.com not excluded, management events included), covers the
 *   keys' region (multi-region, or home region = this region), is logging and has no delivery
 *   error: trailProblems() of trail-suitability.ts, the same rules as the alarm's;
 * - the log group exists, and is not of the DELIVERY class (Logs Insights cannot query those);
 * - over the stretch, the trail was logging (GetTrailStatus StartLoggingTime: a trail started 10
 *   days ago has recorded 10 days), the group existed (creationTime), held events (the oldest event
 *   of the key owner's stream `<account>_CloudTrail_<region>`, aws-facts-estate-and-scale A3) and
 *   still keeps them (retentionInDays).
 * The coverage starts at the latest of those dates and ends now. What the trail's configuration
 * was BEFORE its current settings is not visible to these calls: a trail that recorded WriteOnly
 * last month and All since yesterday reads as covering since it started logging. (CloudTrail logs
 * PutEventSelectors itself; looking for it is not done here.)
 *
 * Delivery lags: CloudTrail delivers to CloudWatch Logs in about 5 minutes on average, without a
 * guarantee (aws-facts 4.2). The last minutes of the window may not be in the group yet.
 */
import type { AwsPorts, EventSelectors, LogGroupInfo, TrailInfo, TrailStatus } from '../../aws/ports.js';
import { sourceGapOf } from './source-errors.js';
import { parseLogGroupArn, trailProblems } from './trail-suitability.js';
import { day } from './verdict.js';
import { compareText } from '../../util/text-order.js';

const DAY_MS = 86_400_000;

/** Logs Insights can query events ingested on or after this date only (A1.3). */
export const INSIGHTS_EPOCH = new Date('2018-11-05T00:00:00Z');

export interface LogGroupRef {
  name: string;
  region: string;
  accountId: string;
  /** the bare ARN (no ":*") */
  arn: string;
}

/** The facts about one candidate trail and its log group, as read from AWS. */
export interface CandidateFacts {
  trail: TrailInfo;
  status?: TrailStatus;
  selectors?: EventSelectors;
  /** why the trail could not be read (e.g. an organization trail seen from a member account) */
  readError?: string;
  logGroupRef: LogGroupRef;
  logGroup?: LogGroupInfo | null;
  logGroupError?: string;
  /** the oldest event of the owner's stream (or of any stream when no stream has that name) */
  oldestEvent?: Date | null;
  oldestEventNote?: string;
}

export interface CandidateVerdict {
  facts: CandidateFacts;
  /** what makes the group unusable (empty: usable) */
  problems: string[];
  /** coverage start (when usable) and what sets it */
  from?: Date;
  limits: string[];
}

export interface LogCoverage {
  /** full: covers the whole window; partial: from `from` on; none: not usable */
  extent: 'full' | 'partial' | 'none';
  logGroup?: LogGroupRef;
  /** the identifier StartQuery takes: the name for the caller's own group, the ARN for another account's */
  queryIdentifier?: string;
  trail?: string;
  /** start of the coverage (>= window start) */
  from?: Date;
  to: Date;
  /** why no log group is used (extent none), one sentence each */
  problems: string[];
  /** what bounds the coverage (trail start, retention, oldest event) */
  limits: string[];
}

/** A log group given by the operator: a name (this account) or an ARN (any region or account). */
export function parseLogGroupOption(value: string): { name: string; region?: string; accountId?: string } {
  const arn = parseLogGroupArn(value);
  return arn ? { name: arn.name, region: arn.region, accountId: arn.account } : { name: value };
}

/** Decides one candidate from its facts: pure, for the unit tests. */
export function judgeCandidate(
  facts: CandidateFacts,
  ctx: { region: string; windowStart: Date; now: Date },
): CandidateVerdict {
  const problems: string[] = [];
  const limits: string[] = [];
  const { trail } = facts;
  if (facts.readError)
    problems.push(
      `trail ${trail.name} cannot be inspected (${facts.readError}), so its coverage cannot be vouched for`,
    );
  else if (facts.status && facts.selectors)
    problems.push(...trailProblems({ trail, status: facts.status, selectors: facts.selectors }, ctx.region));
  const lg = facts.logGroupRef;
  if (facts.logGroupError)
    problems.push(`log group ${lg.name} in ${lg.region} cannot be read (${facts.logGroupError})`);
  else if (facts.logGroup === null)
    problems.push(
      `log group ${lg.name} of trail ${trail.name} does not exist in ${lg.region} (account ${lg.accountId}) or cannot be seen from this account`,
    );
  else if (facts.logGroup?.logGroupClass === 'DELIVERY')
    problems.push(`log group ${lg.name} is of class DELIVERY: Logs Insights cannot query it`);
  if (facts.oldestEvent === null)
    problems.push(
      `log group ${lg.name} holds no CloudTrail events${facts.oldestEventNote ? ` (${facts.oldestEventNote})` : ''}`,
    );
  if (problems.length > 0 || !facts.logGroup || !facts.status) return { facts, problems, limits };

  const bounds: Array<{ at: Date; why: string }> = [
    { at: INSIGHTS_EPOCH, why: 'Logs Insights holds nothing ingested before 2018-11-05' },
  ];
  if (facts.status.startLoggingTime)
    bounds.push({
      at: facts.status.startLoggingTime,
      why: `trail ${trail.name} started logging ${day(facts.status.startLoggingTime)}`,
    });
  if (facts.logGroup.creationTime)
    bounds.push({
      at: facts.logGroup.creationTime,
      why: `log group ${lg.name} was created ${day(facts.logGroup.creationTime)}`,
    });
  if (facts.oldestEvent)
    bounds.push({
      at: facts.oldestEvent,
      why: `the oldest event in log group ${lg.name} is of ${day(facts.oldestEvent)}${facts.oldestEventNote ? ` (${facts.oldestEventNote})` : ''}`,
    });
  if (facts.logGroup.retentionInDays !== undefined) {
    bounds.push({
      at: new Date(ctx.now.getTime() - facts.logGroup.retentionInDays * DAY_MS),
      why: `log group ${lg.name} keeps events ${facts.logGroup.retentionInDays} days`,
    });
  }
  const latest = bounds.reduce((a, b) => (b.at > a.at ? b : a));
  const from = latest.at > ctx.windowStart ? latest.at : ctx.windowStart;
  for (const b of bounds) if (b.at > ctx.windowStart) limits.push(b.why);
  if (from >= ctx.now)
    return { facts, problems: [`log group ${lg.name} covers nothing of the window: ${latest.why}`], limits };
  return { facts, problems, from, limits };
}

async function readCandidate(
  aws: AwsPorts,
  trail: TrailInfo,
  ref: LogGroupRef,
  owners: string[],
  region: string,
): Promise<CandidateFacts> {
  const facts: CandidateFacts = { trail, logGroupRef: ref };
  try {
    // status and selectors live in the trail's home region (a multi-region trail is managed there)
    const ct = aws.cloudtrail(trail.homeRegion);
    [facts.status, facts.selectors] = await Promise.all([
      ct.getTrailStatus(trail.arn),
      ct.getEventSelectors(trail.arn),
    ]);
  } catch (err) {
    facts.readError = sourceGapOf(err).error;
    return facts;
  }
  const foreign = !owners.includes(ref.accountId);
  const logs = aws.logs(ref.region);
  try {
    facts.logGroup = await logs.describeLogGroup(ref.name, foreign ? ref.accountId : undefined);
  } catch (err) {
    facts.logGroupError = sourceGapOf(err).error;
    return facts;
  }
  if (!facts.logGroup) return facts;
  const identifier = foreign ? ref.arn : ref.name;
  try {
    // CloudTrail names streams <account>_CloudTrail_<region>[_n]; an organization trail's naming is
    // UNCONFIRMED (A3), so without such a stream the oldest stream of the group stands in
    let oldest: Date | null = null;
    for (const owner of owners) {
      const t = await logs.oldestStreamEvent(identifier, `${owner}_CloudTrail_${region}`);
      if (t && (!oldest || t > oldest)) oldest = t;
      if (!t) {
        oldest = null;
        break;
      }
    }
    if (!oldest) {
      oldest = await logs.oldestStreamEvent(identifier);
      if (oldest)
        facts.oldestEventNote = `no stream named ${owners[0]}_CloudTrail_${region}; the oldest stream of the group counts`;
    }
    facts.oldestEvent = oldest;
  } catch (err) {
    facts.logGroupError = `DescribeLogStreams: ${sourceGapOf(err).error}`;
  }
  return facts;
}

export interface CoverageRequest {
  /** the keys' region */
  region: string;
  /** the accounts that own the keys */
  owners: string[];
  windowStart: Date;
  now: Date;
  /** --log-group NAME or --log-group-arn ARN */
  logGroup?: string;
}

/** Reads the trails and their log groups and picks the one that covers the most of the window. */
export async function surveyLogCoverage(aws: AwsPorts, req: CoverageRequest): Promise<LogCoverage> {
  const none = (problems: string[]): LogCoverage => ({ extent: 'none', to: req.now, problems, limits: [] });
  let trails: TrailInfo[];
  try {
    trails = await aws.cloudtrail(req.region).describeTrails();
  } catch (err) {
    return none([`CloudTrail DescribeTrails: ${sourceGapOf(err).error}`]);
  }
  const wanted = req.logGroup ? parseLogGroupOption(req.logGroup) : undefined;
  const candidates: Array<{ trail: TrailInfo; ref: LogGroupRef }> = [];
  for (const trail of trails) {
    const parsed = trail.cloudWatchLogsLogGroupArn ? parseLogGroupArn(trail.cloudWatchLogsLogGroupArn) : null;
    if (!parsed) continue;
    if (
      wanted &&
      (wanted.name !== parsed.name ||
        (wanted.region && wanted.region !== parsed.region) ||
        (wanted.accountId && wanted.accountId !== parsed.account))
    )
      continue;
    const arn = trail.cloudWatchLogsLogGroupArn!.replace(/:\*$/, '');
    // a trail listed twice (shadow copies) is one candidate
    if (candidates.some((c) => c.trail.arn === trail.arn)) continue;
    candidates.push({ trail, ref: { name: parsed.name, region: parsed.region, accountId: parsed.account, arn } });
  }
  if (candidates.length === 0) {
    return none([
      wanted
        ? `no CloudTrail trail visible in ${req.region} delivers to log group ${req.logGroup}: name the log group of a trail (aws cloudtrail describe-trails)`
        : `no CloudTrail trail visible in ${req.region} delivers to CloudWatch Logs`,
    ]);
  }
  const judged = await Promise.all(
    candidates.map(async (c) =>
      judgeCandidate(await readCandidate(aws, c.trail, c.ref, req.owners, req.region), {
        region: req.region,
        windowStart: req.windowStart,
        now: req.now,
      }),
    ),
  );
  const usable = judged.filter((j) => j.problems.length === 0 && j.from);
  usable.sort(
    (a, b) =>
      a.from!.getTime() - b.from!.getTime() ||
      Number(b.facts.logGroupRef.region === req.region) - Number(a.facts.logGroupRef.region === req.region) ||
      compareText(a.facts.trail.name, b.facts.trail.name),
  );
  const best = usable[0];
  if (!best) return none(judged.flatMap((j) => j.problems));
  const ref = best.facts.logGroupRef;
  return {
    extent: best.from!.getTime() <= req.windowStart.getTime() ? 'full' : 'partial',
    logGroup: ref,
    queryIdentifier: req.owners.includes(ref.accountId) ? ref.name : ref.arn,
    trail: best.facts.trail.name,
    from: best.from!,
    to: req.now,
    problems: [],
    limits: best.limits,
  };
}
