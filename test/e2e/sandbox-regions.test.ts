/**
 * Issue 22: every Region of the sandbox account is its own (most are empty), and scripts can start
 * from an empty account. Run with the built binary over an in-process `--sandbox`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, createWorkspace, DEMO, expectExit, runKscli, type Workspace } from './helpers/index.js';

let ws: Workspace;
let statePath: string;
const env = () => ({ PATH: process.env.PATH, HOME: ws.home, NO_COLOR: '1', KSCLI_SANDBOX_STATE: statePath });

beforeAll(() => {
  assertBuilt();
  ws = createWorkspace('sandbox-regions');
  mkdirSync(join(ws.dir, 'sb'));
  statePath = join(ws.dir, 'sb', 'state.json');
});
afterAll(() => ws?.remove());

describe('sandbox Regions', () => {
  it('stores --region eu-west-1 lists nothing; us-east-1 still has the demo stores', async () => {
    const eu = await runKscli(['stores', '--sandbox', '--region', 'eu-west-1', '--output', 'json'], {
      env: env(),
      timeoutMs: 60_000,
    });
    expectExit(eu, 0);
    expect(eu.json().stores).toEqual([]);
    const us = await runKscli(['stores', '--sandbox', '--output', 'json'], { env: env(), timeoutMs: 60_000 });
    expectExit(us, 0);
    expect(us.json().stores.map((s: { storeId: string }) => s.storeId)).toContain(DEMO.hsmStore);
  });
});

describe('the empty scenario', () => {
  it('sandbox reset --scenario empty --account-id starts an account with nothing in it, under that ID', async () => {
    const reset = await runKscli(
      ['sandbox', 'reset', '--scenario', 'empty', '--account-id', '123456789012', '--output', 'json'],
      { env: env(), timeoutMs: 60_000 },
    );
    expectExit(reset, 0);
    expect(reset.json()).toMatchObject({
      scenario: 'empty',
      accountId: '123456789012',
      stores: [],
      keysOutsideStores: 0,
    });
    const stores = await runKscli(['stores', '--sandbox', '--output', 'json'], { env: env(), timeoutMs: 60_000 });
    expectExit(stores, 0);
    expect(stores.json().stores).toEqual([]);
  });

  it('--account-id re-homes the demo: its stores and keys carry the account asked for', async () => {
    const reset = await runKscli(
      ['sandbox', 'reset', '--scenario', 'demo', '--account-id', '444455556666', '--output', 'json'],
      {
        env: env(),
        timeoutMs: 60_000,
      },
    );
    expectExit(reset, 0);
    expect(reset.json()).toMatchObject({ scenario: 'demo', accountId: '444455556666' });
    const keys = await runKscli(['find-keys', DEMO.hsmStore, '--sandbox', '--output', 'json'], {
      env: env(),
      timeoutMs: 60_000,
    });
    expectExit(keys, 0);
    expect(keys.stdout).toContain('arn:aws:kms:us-east-1:444455556666:key/');
    expect(keys.stdout).not.toContain('111122223333');
  });

  it.each([
    [['--scenario', 'empty', '--account-id', '1234'], /--account-id 1234: an AWS account ID is 12 digits/],
    [
      ['--scenario', 'org', '--account-id', '123456789012'],
      /--account-id does not apply to --scenario org: its accounts are generated/,
    ],
  ])('refuses %j with a one-line error and exit 2', async (args, message) => {
    const r = await runKscli(['sandbox', 'reset', ...args], { env: env(), timeoutMs: 60_000 });
    expectExit(r, 2);
    expect(r.stderr).toMatch(message);
  });
});
