/**
 * Can this CloudTrail trail feed the pending-deletion alarm? (aws-facts.md section 4.2)
 *
 * The alarm's metric filter reads the trail's CloudWatch Logs log group, so the trail must:
 * - be logging (a trail created through the API stays stopped until StartLogging);
 * - deliver to CloudWatch Logs (CloudWatchLogsLogGroupArn), without a delivery error;
 * - cover this region: a multi-region trail, or one whose home region is this region;
 * - record KMS management events *including read-only ones*: every KMS cryptographic call is a
 *   read-only management event, so a WriteOnly selector or one excluding kms.amazonaws.com (a
 *   documented volume-cutting option) silently blinds the alarm;
 * - deliver into a STANDARD-class log group: metric filters work only there.
 */
import type { EventSelectors, LogGroupInfo, TrailInfo, TrailStatus } from '../../aws/ports.js';
import { CRYPTOGRAPHIC_EVENT_NAMES, KMS_EVENT_SOURCE } from './cloudtrail-classify.js';

export interface TrailFacts {
  trail: TrailInfo;
  status: TrailStatus;
  selectors: EventSelectors;
  /** the log group the trail delivers to, read in the trail's home region; null when it does not exist */
  logGroup: LogGroupInfo | null;
}

export interface Suitability {
  suitable: boolean;
  /** one sentence per problem, saying what to fix */
  problems: string[];
}

/** The fields of a KMS cryptographic call as advanced event selectors see them. */
function kmsCallFields(eventName: string): Record<string, string> {
  return { eventCategory: 'Management', eventSource: KMS_EVENT_SOURCE, readOnly: 'true', eventName };
}

type FieldSelector = NonNullable<EventSelectors['advancedEventSelectors']>[number]['fieldSelectors'][number];

function fieldAccepts(fs: FieldSelector, value: string | undefined): boolean {
  // A field that management events do not have (resources.type, resources.ARN...) belongs to a data
  // event selector: it does not select management events.
  if (value === undefined) return false;
  if (fs.equals && !fs.equals.includes(value)) return false;
  if (fs.notEquals && fs.notEquals.includes(value)) return false;
  if (fs.startsWith && !fs.startsWith.some((p) => value.startsWith(p))) return false;
  if (fs.notStartsWith && fs.notStartsWith.some((p) => value.startsWith(p))) return false;
  if (fs.endsWith && !fs.endsWith.some((p) => value.endsWith(p))) return false;
  if (fs.notEndsWith && fs.notEndsWith.some((p) => value.endsWith(p))) return false;
  return true;
}

/** Selectors are OR-ed, the field selectors of one selector AND-ed (CloudTrail advanced event selectors). */
function advancedSelectorsRecord(
  selectors: NonNullable<EventSelectors['advancedEventSelectors']>,
  eventName: string,
): boolean {
  const fields = kmsCallFields(eventName);
  return selectors.some((s) => s.fieldSelectors.every((fs) => fieldAccepts(fs, fields[fs.field])));
}

function basicSelectorsRecordKmsReads(selectors: NonNullable<EventSelectors['eventSelectors']>): boolean {
  return selectors.some(
    (s) =>
      s.includeManagementEvents !== false &&
      (s.readWriteType ?? 'All') !== 'WriteOnly' &&
      !(s.excludeManagementEventSources ?? []).includes(KMS_EVENT_SOURCE),
  );
}

/** Whether the selectors record every KMS cryptographic call (read-only management events). */
export function recordsKmsReadEvents(selectors: EventSelectors): boolean {
  const advanced = selectors.advancedEventSelectors ?? [];
  // A trail uses either basic or advanced selectors; advanced ones replace the basic ones.
  if (advanced.length > 0)
    return [...CRYPTOGRAPHIC_EVENT_NAMES].every((name) => advancedSelectorsRecord(advanced, name));
  const basic = selectors.eventSelectors;
  // no selectors at all: a trail's default records all management events
  if (basic === undefined) return true;
  return basicSelectorsRecordKmsReads(basic);
}

export function coversRegion(trail: TrailInfo, region: string): boolean {
  return trail.isMultiRegionTrail || trail.homeRegion === region;
}

/** "arn:aws:logs:us-east-1:111122223333:log-group:NAME:*" -> { region, name } */
export function parseLogGroupArn(arn: string): { region: string; account: string; name: string } | null {
  const m = /^arn:aws[\w-]*:logs:([\w-]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : null;
}

/**
 * What stops a trail from recording every KMS call of `region` into its log group, one sentence per
 * problem: the part both the alarm and the Logs Insights evidence source (issue 10) rest on.
 */
export function trailProblems(facts: Omit<TrailFacts, 'logGroup'>, region: string): string[] {
  const { trail, status, selectors } = facts;
  const problems: string[] = [];
  if (!status.isLogging)
    problems.push(`trail ${trail.name} is not logging: run aws cloudtrail start-logging --name ${trail.arn}`);
  if (!trail.cloudWatchLogsLogGroupArn) {
    problems.push(
      `trail ${trail.name} does not deliver to CloudWatch Logs: set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn (aws cloudtrail update-trail, in ${trail.homeRegion})`,
    );
  } else if (status.latestCloudWatchLogsDeliveryError) {
    problems.push(
      `trail ${trail.name} fails to deliver to CloudWatch Logs (${status.latestCloudWatchLogsDeliveryError}): check its CloudWatchLogsRoleArn`,
    );
  }
  if (!coversRegion(trail, region))
    problems.push(
      `trail ${trail.name} records only ${trail.homeRegion}, not ${region}: make it multi-region or use a trail of ${region}`,
    );
  if (!recordsKmsReadEvents(selectors)) {
    problems.push(
      `trail ${trail.name} does not record KMS read-only management events (a WriteOnly selector or one excluding ${KMS_EVENT_SOURCE}): KMS cryptographic calls are read-only events; fix its event selectors`,
    );
  }
  return problems;
}

export function assessTrail(facts: TrailFacts, region: string): Suitability {
  const { trail, logGroup } = facts;
  const problems = trailProblems(facts, region);
  if (trail.cloudWatchLogsLogGroupArn) {
    const lg = parseLogGroupArn(trail.cloudWatchLogsLogGroupArn);
    if (!logGroup)
      problems.push(
        `log group ${lg?.name ?? trail.cloudWatchLogsLogGroupArn} of trail ${trail.name} does not exist in ${trail.homeRegion}`,
      );
    else if (logGroup.logGroupClass && logGroup.logGroupClass !== 'STANDARD') {
      problems.push(
        `log group ${logGroup.name} is of class ${logGroup.logGroupClass}: metric filters work only on STANDARD log groups`,
      );
    }
  }
  return { suitable: problems.length === 0, problems };
}
