/** SNS: the topics alarms notify, and GetTopicAttributes. */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';

const MAX_PUBLISHED = 200;

/** Records a notification on a topic of this account; false when no such topic exists. */
export function publish(acc: Account, topicArn: string, subject: string, message: string, t: number): boolean {
  const topic = acc.state.topics.find((x) => x.arn === topicArn);
  if (!topic) return false;
  topic.published.push({ t, subject, message });
  if (topic.published.length > MAX_PUBLISHED) topic.published.splice(0, topic.published.length - MAX_PUBLISHED);
  acc.dirty = true;
  return true;
}

const getTopicAttributes: Handler = (acc, input) => {
  const arn = input.TopicArn;
  const topic = acc.state.topics.find((x) => x.arn === arn);
  // the SDK maps the awsQuery code `NotFound` (HTTP 404) to NotFoundException
  if (!topic) throw new SandboxError('NotFound', 'Topic does not exist', 404);
  const attributes: Record<string, string> = {
    TopicArn: topic.arn,
    Owner: acc.accountId,
    DisplayName: topic.displayName ?? '',
    SubscriptionsConfirmed: '1',
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 3 } } }),
    Policy: JSON.stringify({
      Version: '2008-10-17',
      Id: '__default_policy_ID',
      Statement: [
        {
          Sid: '__default_statement_ID',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['SNS:Publish', 'SNS:Subscribe'],
          Resource: topic.arn,
          Condition: { StringEquals: { 'AWS:SourceOwner': acc.accountId } },
        },
      ],
    }),
  };
  if (topic.kmsMasterKeyId) attributes.KmsMasterKeyId = topic.kmsMasterKeyId;
  return { Attributes: attributes };
};

export const snsHandlers: Record<string, Handler> = { GetTopicAttributes: getTopicAttributes };
