/**
 * `--sandbox` (issue 4, "Commands"): any command runs against an in-process sandbox over the state
 * file `$KSCLI_SANDBOX_STATE` (else ~/.kscli/sandbox/state.json), created from the demo scenario
 * when missing, with no AWS account, no credentials and no AWS variables at all. This is the
 * README's first command for a newcomer, so the whole rehearsal is run the way the README tells it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, createWorkspace, DEMO, expectExit, runKscli, type Workspace } from './helpers/index.js';

let ws: Workspace;
let statePath: string;
/** no AWS variable of any kind: only PATH, HOME and the sandbox state */
const env = () => ({ PATH: process.env.PATH, HOME: ws.home, NO_COLOR: '1', KSCLI_SANDBOX_STATE: statePath });

beforeAll(() => {
  assertBuilt();
  ws = createWorkspace('sandbox-mode');
  statePath = join(ws.dir, 'rehearsal', 'state.json');
  mkdirSync(join(ws.dir, 'rehearsal'));
});
afterAll(() => ws?.remove());

describe('--sandbox: the rehearsal without an AWS account', () => {
  it('find-keys --sandbox works without any AWS environment and creates the demo state', async () => {
    expect(existsSync(statePath)).toBe(false);
    const r = await runKscli(['find-keys', DEMO.hsmStore, '--sandbox', '--output', 'json'], {
      env: env(),
      timeoutMs: 60_000,
    });
    expectExit(r, 0);
    const doc = r.json();
    expect(doc.schemaVersion).toBe(1);
    expect(doc.keys.map((k: any) => k.keyId).sort()).toEqual(Object.values(DEMO.keys).sort());
    expect(existsSync(statePath)).toBe(true);
  });

  it('ignores AWS variables that point elsewhere: --sandbox points every client at the sandbox', async () => {
    const r = await runKscli(['stores', '--sandbox', '--output', 'json'], {
      env: {
        ...env(),
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_PROFILE: 'nope',
        AWS_ACCESS_KEY_ID: 'AKIAKSCLITESTDUMMY01',
      },
      timeoutMs: 60_000,
    });
    expectExit(r, 0);
    expect(r.json().stores.map((s: any) => s.storeId)).toContain(DEMO.hsmStore);
  });

  it('the README flow: delete-store (exit 8), sandbox advance --days 31, delete-store (exit 0)', async () => {
    const first = await runKscli(
      ['delete-store', DEMO.hsmStore, '--sandbox', '--yes', '--allow-in-use', '--allow-data-loss', '--output', 'json'],
      { env: env(), timeoutMs: 60_000 },
    );
    expectExit(first, 8);
    expect(first.json().nextRunAfter).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const advance = await runKscli(['sandbox', 'advance', '--days', '31'], { env: env(), timeoutMs: 30_000 });
    expectExit(advance, 0);

    const second = await runKscli(['delete-store', DEMO.hsmStore, '--sandbox', '--yes', '--output', 'table'], {
      env: env(),
      timeoutMs: 120_000,
    });
    expectExit(second, 0);
    expect(second.stdout).toContain(`store ${DEMO.hsmStore} deleted`);

    const status = await runKscli(['sandbox', 'status', '--output', 'json'], { env: env(), timeoutMs: 30_000 });
    expectExit(status, 0);
    expect(status.json().stores.map((s: any) => s.id)).not.toContain(DEMO.hsmStore);
  });

  it('without KSCLI_SANDBOX_STATE the state lives in ~/.kscli/sandbox/state.json', async () => {
    const home = join(ws.dir, 'other-home');
    mkdirSync(home);
    const r = await runKscli(['stores', '--sandbox', '--output', 'json'], {
      env: { PATH: process.env.PATH, HOME: home },
      timeoutMs: 60_000,
    });
    expectExit(r, 0);
    expect(existsSync(join(home, '.kscli', 'sandbox', 'state.json'))).toBe(true);
  });
});
