/**
 * StsPort on the AWS SDK: who the credentials belong to (the --expected-account guard, the
 * journal), and AssumeRole for the estate commands (aws-facts-estate-and-scale.md B2).
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { AssumedCredentials, AssumeRoleRequest, CallerIdentity, StsPort } from '../ports.js';
import { mapFailure } from '../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const { AssumeRoleCommand, GetCallerIdentityCommand } = sdkModule('@aws-sdk/client-sts');

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

  async assumeRole(request: AssumeRoleRequest): Promise<AssumedCredentials> {
    return mapFailure({ service: 'sts', operation: 'AssumeRole', ...this.where }, async () => {
      const out = await (
        await this.client()
      ).send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: request.sessionName,
          DurationSeconds: request.durationSeconds,
          ...(request.externalId ? { ExternalId: request.externalId } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole answered without credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    });
  }
}
