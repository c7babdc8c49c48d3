/**
 * Errors that model a `reason` member carry it in the body, where the SDK reads it (issue 17: the
 * text was only in the message): Organizations' InvalidInputException.Reason and Account
 * Management's ValidationException.reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { realModelFactory, resetState, startSandbox, type RunningSandbox } from '../../../../src/sandbox/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
let dir: string;
let sb: RunningSandbox;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-reason-'));
  resetState(await realModelFactory(), join(dir, 'state.json'), 'org');
  sb = await startSandbox({ statePath: join(dir, 'state.json') });
});
afterAll(async () => {
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = () => ({
  region: 'us-east-1',
  endpoint: sb.url,
  credentials: { accessKeyId: 'AKIDUNITTEST00000001', secretAccessKey: 'x' },
  maxAttempts: 1,
});

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
