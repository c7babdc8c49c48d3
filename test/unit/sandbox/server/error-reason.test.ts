/**
 * Errors that model a `reason` member carry it in the body, where the SDK reads it (issue 17: the
 * text was only in the message): Organizations' InvalidInputException.Reason and Account
 * Management's ValidationException.reason.
 */
import { expect, it } from 'vitest';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { UNIT_CREDENTIALS, useSandbox } from '../in-process.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sandbox = useSandbox('reason', 'org');

const config = () => ({ region: 'us-east-1', endpoint: sandbox.url, credentials: UNIT_CREDENTIALS, maxAttempts: 1 });

it("Organizations' InvalidInputException carries Reason", async () => {
  const error = await new OrganizationsClient(config())
    .send(new ListAccountsCommand({ NextToken: 'not-a-token' }))
    .catch((e: unknown) => e as { name: string; Reason?: string });
  expect(error).toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN' });
});

it("Account Management's ValidationException carries reason", async () => {
  const error = await new AccountClient(config())
    .send(new ListRegionsCommand({ NextToken: 'not-a-token' }))
    .catch((e: unknown) => e as { name: string; reason?: string });
  expect(error).toMatchObject({ name: 'ValidationException', reason: 'fieldValidationFailed' });
});
