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
