/**
 * Where the pending-deletion alarm stands in the account (aws-facts.md section 4.2): which trail can
 * feed it, what already exists under kscli's names, and what stops kscli from creating it. Read
 * only; `alarm-plan.ts` turns it into plan items and `alarmInPlace` into a check.
 */
import type { AlarmInfo, AwsPorts, MetricFilterSpec, TopicInfo, TrailInfo } from '../../aws/ports.js';
import { ALARM_NAME, FILTER_NAME } from './alarm-spec.js';
import { selfEncryptionProblems, type EncryptedResource } from './self-encryption.js';
import { sourceGapOf } from './source-errors.js';
import { assessTrail, parseLogGroupArn, type Suitability, type TrailFacts } from './trail-suitability.js';
import type { AlarmContext } from './types.js';
import { compareText } from '../../util/text-order.js';

export interface ChosenTrail {
  facts: TrailFacts;
  /** the trail's home region: the log group, metric filter and alarm live there */
  homeRegion: string;
  logGroupName: string;
}

export interface AlarmSurvey {
  chosen?: ChosenTrail;
  /** every trail looked at, with why it cannot serve (for the "what to fix" message) */
  trails: Array<{ trail: TrailInfo; suitability: Suitability }>;
  existingFilter: MetricFilterSpec | null;
  existingAlarm: AlarmInfo | null;
  /** the topic named by --sns-topic-arn, when it exists */
  topic?: TopicInfo;
  /** problems that block both items: no suitable trail, missing topic, self-encryption */
  blockers: string[];
  /** the blockers that are self-encryption (reported as their own check) */
  selfEncryption: string[];
}

const SNS_ARN = /^arn:aws[\w-]*:sns:([\w-]+):(\d{12}):[\w-]+(\.fifo)?$/;
export const snsTopicRegion = (arn: string): string | undefined => SNS_ARN.exec(arn)?.[1];

async function trailFacts(aws: AwsPorts, trail: TrailInfo): Promise<TrailFacts> {
  // Status and selectors are read in the trail's home region: a multi-region trail's shadow copy
  // in another region is described there but managed at home.
  const ct = aws.cloudtrail(trail.homeRegion);
  const [status, selectors] = await Promise.all([ct.getTrailStatus(trail.arn), ct.getEventSelectors(trail.arn)]);
  const lg = trail.cloudWatchLogsLogGroupArn ? parseLogGroupArn(trail.cloudWatchLogsLogGroupArn) : null;
  const logGroup = lg ? await aws.logs(lg.region).describeLogGroup(lg.name) : null;
  return { trail, status, selectors, logGroup };
}

function noTrailMessage(ctx: AlarmContext, trails: AlarmSurvey['trails']): string {
  if (ctx.logGroup && trails.length === 0)
    return `no CloudTrail trail delivers to log group ${ctx.logGroup}: pick the log group of a trail (aws cloudtrail describe-trails) or omit --log-group`;
  if (trails.length === 0) {
    return `no CloudTrail trail covers ${ctx.region}: create a trail that logs management events (read and write) to CloudWatch Logs, start it, then run kscli alarm again`;
  }
  return `no suitable CloudTrail trail: ${trails.map((t) => t.suitability.problems.join('; ')).join(' | ')}`;
}

export async function surveyAlarm(aws: AwsPorts, ctx: AlarmContext): Promise<AlarmSurvey> {
  let allTrails = await aws.cloudtrail().describeTrails();
  if (ctx.logGroup)
    allTrails = allTrails.filter(
      (t) => t.cloudWatchLogsLogGroupArn && parseLogGroupArn(t.cloudWatchLogsLogGroupArn)?.name === ctx.logGroup,
    );
  const assessed = await Promise.all(
    allTrails.map(async (trail) => {
      try {
        const facts = await trailFacts(aws, trail);
        return { trail, facts, suitability: assessTrail(facts, ctx.region) };
      } catch (err) {
        // e.g. an organization trail of the management account: a member account lists it but may
        // not read its status or selectors. It cannot be vouched for, so it cannot serve.
        const gap = sourceGapOf(err);
        return {
          trail,
          facts: undefined,
          suitability: { suitable: false, problems: [`trail ${trail.name} cannot be inspected (${gap.error})`] },
        };
      }
    }),
  );
  const suitable = assessed.flatMap((a) =>
    a.facts && a.suitability.suitable ? [{ facts: a.facts, suitability: a.suitability }] : [],
  );

  // Idempotence across runs: prefer the trail whose log group already holds kscli's filter, then a
  // trail of this region, then the first by name.
  const withFilter = await Promise.all(
    suitable.map(async (a) => {
      const lg = a.facts.logGroup!;
      const filters = await aws.logs(a.facts.trail.homeRegion).describeMetricFilters(lg.name, FILTER_NAME);
      return { ...a, filter: filters.find((f) => f.filterName === FILTER_NAME) ?? null };
    }),
  );
  withFilter.sort(
    (a, b) =>
      Number(Boolean(b.filter)) - Number(Boolean(a.filter)) ||
      Number(b.facts.trail.homeRegion === ctx.region) - Number(a.facts.trail.homeRegion === ctx.region) ||
      compareText(a.facts.trail.name, b.facts.trail.name),
  );
  const best = withFilter[0];
  const survey: AlarmSurvey = {
    trails: assessed.map((a) => ({ trail: a.trail, suitability: a.suitability })),
    existingFilter: best?.filter ?? null,
    existingAlarm: null,
    blockers: [],
    selfEncryption: [],
  };
  if (!best) {
    survey.blockers.push(noTrailMessage(ctx, survey.trails));
    return survey;
  }
  const homeRegion = best.facts.trail.homeRegion;
  survey.chosen = { facts: best.facts, homeRegion, logGroupName: best.facts.logGroup!.name };
  survey.existingAlarm = await aws.cloudwatch(homeRegion).describeAlarm(ALARM_NAME);

  const encrypted: EncryptedResource[] = [
    { kind: 'trail', name: best.facts.trail.name, region: homeRegion, kmsKeyRef: best.facts.trail.kmsKeyId },
    {
      kind: 'log group',
      name: best.facts.logGroup!.name,
      region: homeRegion,
      kmsKeyRef: best.facts.logGroup!.kmsKeyId,
    },
  ];
  if (ctx.snsTopicArn) {
    const topicRegion = snsTopicRegion(ctx.snsTopicArn);
    if (!topicRegion) survey.blockers.push(`${ctx.snsTopicArn} is not an SNS topic ARN`);
    else if (topicRegion !== homeRegion) {
      survey.blockers.push(
        `SNS topic ${ctx.snsTopicArn} is in ${topicRegion}, but the alarm must live in ${homeRegion} (the trail's home region) and alarm actions must be in the alarm's region: use a topic in ${homeRegion}`,
      );
    } else {
      const topic = await aws.sns(topicRegion).getTopic(ctx.snsTopicArn);
      if (!topic)
        survey.blockers.push(
          `SNS topic ${ctx.snsTopicArn} does not exist: create it (aws sns create-topic) and subscribe to it first`,
        );
      else {
        survey.topic = topic;
        encrypted.push({
          kind: 'SNS topic',
          name: topic.topicArn,
          region: topicRegion,
          kmsKeyRef: topic.kmsMasterKeyId,
        });
      }
    }
  } else {
    // the topics the existing alarm already notifies must not be blinded either
    for (const action of survey.existingAlarm?.alarmActions ?? []) {
      const topicRegion = snsTopicRegion(action);
      if (!topicRegion) continue;
      const topic = await aws.sns(topicRegion).getTopic(action);
      if (topic)
        encrypted.push({
          kind: 'SNS topic',
          name: topic.topicArn,
          region: topicRegion,
          kmsKeyRef: topic.kmsMasterKeyId,
        });
    }
  }
  survey.selfEncryption = await selfEncryptionProblems(aws, ctx.storeKeys, encrypted);
  survey.blockers.push(...survey.selfEncryption);
  return survey;
}
