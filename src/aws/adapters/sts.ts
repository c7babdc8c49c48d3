/** StsPort on the AWS SDK: who the credentials belong to (the --expected-account guard, the journal). */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { CallerIdentity, StsPort } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';

export class StsAdapter implements StsPort {
  constructor(
    private readonly client: () => Promise<STSClient>,
    private readonly where: AdapterSite,
  ) {}

  async getCallerIdentity(): Promise<CallerIdentity> {
    return mapFailure({ service: 'sts', operation: 'GetCallerIdentity', ...this.where }, async () => {
      const out = await (await this.client()).send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
    });
  }
}
