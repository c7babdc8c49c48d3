/** SnsPort on the AWS SDK: is the alarm's topic there, and which key encrypts it. */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SnsPort, TopicInfo } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { GetTopicAttributesCommand } = sdkModule('@aws-sdk/client-sns');

/** SNS answers a missing topic with NotFound (query protocol) or NotFoundException (JSON). */
const NOT_FOUND = new Set(['NotFound', 'NotFoundException']);

export class SnsAdapter implements SnsPort {
  constructor(
    private readonly client: () => Promise<SNSClient>,
    private readonly where: AdapterSite,
  ) {}

  async getTopic(topicArn: string): Promise<TopicInfo | null> {
    return mapFailure({ service: 'sns', operation: 'GetTopicAttributes', ...this.where }, async () => {
      try {
        const out = await (await this.client()).send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
        const kmsMasterKeyId = out.Attributes?.KmsMasterKeyId;
        return { topicArn: out.Attributes?.TopicArn ?? topicArn, ...(kmsMasterKeyId ? { kmsMasterKeyId } : {}) };
      } catch (error) {
        if (NOT_FOUND.has((error as { name?: string }).name ?? '')) return null;
        throw error;
      }
    });
  }
}
