/**
 * Issue 20, "visible everywhere", through the built binary against `kscli sandbox serve`:
 *  - on the demo, after `disable-keys --trial-days 14`: `stores` and `inventory` count the 3 keys in
 *    the trial; `usage` shows each key's trial (phase, end) and, 4 sandbox days later, the
 *    application role's failed Decrypt calls on alias/payments-legacy's key; the plan review
 *    document of delete-store shows the trial, its end and its failures; all read-only;
 *  - on the organization scenario: a trial over the key a yearly job calls (member account
 *    200000000001, 10 days after the start) shows nothing while the job's date is ahead, and
 *    catches the job once the sandbox clock passes it: the next run names the caller and stops
 *    (exit 3).
 * Judged from the sandbox's request log and key states as well as kscli's output.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DEMO,
  createWorkspace,
  expectExit,
  expectNoMutatingRequests,
  kscliEnv,
  runKscli,
  runKscliBy,
  sdkClientConfig,
  startE2E,
  startServe,
  type E2E,
  type ServedSandbox,
  type Workspace,
} from './helpers/index.js';

// each test runs several CLI commands in a row on a shared 2-core machine: more than the default minute
vi.setConfig({ testTimeout: 240_000 });

const TRIAL_KEYS = [DEMO.keys.used, DEMO.keys.unusedA, DEMO.keys.unusedB].sort();

describe('the trial is visible in stores, inventory, usage and the plan review (demo)', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('trial-visible');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('before any trial: stores counts 0 keys in a trial and the table says nothing of trials', async () => {
    const r = await t.kscli(['stores', '--output', 'json']);
    expectExit(r, 0);
    const hsm = r.json().stores.find((s: { storeId: string }) => s.storeId === DEMO.hsmStore);
    expect(hsm.keysInTrial).toBe(0);
    const table = await t.kscli(['stores', '--output', 'table']);
    expect(table.stdout).not.toMatch(/in a trial/);
  });

  it('after disable-keys --trial-days 14, stores and inventory count the 3 keys in the trial (not the key Disabled before)', async () => {
    const d = await t.kscli([
      'disable-keys',
      DEMO.hsmStore,
      '--trial-days',
      '14',
      '--allow-in-use',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(d, 0);
    const mark = t.sandbox.mark();
    const stores = await t.kscli(['stores', '--output', 'json']);
    expectExit(stores, 0);
    const hsm = stores.json().stores.find((s: { storeId: string }) => s.storeId === DEMO.hsmStore);
    expect(hsm.keysInTrial).toBe(3);
    expect(hsm.keyCounts.Disabled).toBe(4);
    const table = await t.kscli(['stores', '--output', 'table']);
    expect(table.stdout).toMatch(/; 3 in a trial/);
    const inv = await t.kscli(['inventory', '--output', 'json']);
    expectExit(inv, 0);
    expect(inv.json().stores.find((s: { storeId: string }) => s.storeId === DEMO.hsmStore).keysInTrial).toBe(3);
    const csv = await t.kscli(['inventory', '--output', 'csv']);
    const [head, ...rows] = csv.stdout.trim().split('\n');
    expect(head!.split(',').at(-1)).toBe('keys_in_trial');
    expect(
      rows
        .find((l) => l.includes(DEMO.hsmStore))!
        .split(',')
        .at(-1),
    ).toBe('3');
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('usage shows each key’s trial (phase, end), and 4 days later the app role’s failed Decrypt calls; read-only', async () => {
    const r = await t.kscli(['usage', DEMO.hsmStore, '--output', 'json']);
    expectExit(r, 0);
    const keys = r.json().keys as Array<{ keyId: string; trial?: { phase: string; end: string; failures: unknown[] } }>;
    expect(
      keys
        .filter((k) => k.trial)
        .map((k) => k.keyId)
        .sort(),
    ).toEqual(TRIAL_KEYS);
    expect(
      keys.filter((k) => k.trial).every((k) => k.trial!.phase === 'running' && k.trial!.failures.length === 0),
    ).toBe(true);
    expect(keys.find((k) => k.keyId === DEMO.keys.disabled)!.trial).toBeUndefined();

    await t.sandbox.advanceDays(4);
    const mark = t.sandbox.mark();
    const later = await t.kscli(['usage', DEMO.hsmStore, '--output', 'json']);
    expectExit(later, 0);
    const used = later.json().keys.find((k: { keyId: string }) => k.keyId === DEMO.keys.used);
    expect(used.trial.phase).toBe('failed');
    expect(used.trial.failures[0]).toMatchObject({
      operation: 'Decrypt',
      principal: 'arn:aws:iam::111122223333:role/app-backend',
      errorCode: 'DisabledException',
    });
    const table = await t.kscli(['usage', DEMO.hsmStore, '--output', 'table']);
    expect(table.stdout).toMatch(
      new RegExp(`trial FAILED: ${DEMO.keys.used} in a 14-day trial from .* until .*, \\d+ failed calls? so far`),
    );
    expect(table.stdout).toMatch(
      /failed: arn:aws:iam::111122223333:role\/app-backend: Decrypt x\d+ \(DisabledException/,
    );
    expect(table.stdout).toMatch(/roll back with kscli enable-keys cks-1234567890abcdef0/);
    const md = await t.kscli(['usage', DEMO.hsmStore, '--output', 'markdown']);
    expect(md.stdout).toMatch(/## Trials\n/);
    expect(md.stdout).toMatch(/- Trial: \*\*failed\*\*, disabled .* until .* \(14 days\), \d+ failed call\(s\)/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('the plan review document of delete-store shows the trial, its end and its failures (and the plan is blocked)', async () => {
    const file = join(t.ws.dir, 'trial-plan.json');
    const r = await t.kscli([
      'delete-store',
      DEMO.hsmStore,
      '--allow-in-use',
      '--plan-out',
      file,
      '--output',
      'markdown',
    ]);
    expect([3, 0]).toContain(r.code);
    const md = r.stdout;
    expect(md).toMatch(/## Trial\n/);
    expect(md).toMatch(/The trial ends \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(md).toMatch(new RegExp(`\\| \`${DEMO.keys.used}\` \\| \\*\\*failed\\*\\* \\|`));
    expect(md).toMatch(/\*\*Failed calls\*\*:/);
    expect(md).toMatch(/Decrypt by `arn:aws:iam::111122223333:role\/app-backend`/);
    // the saved plan carries the trial in the key line's details, and `show` renders the same document
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      items: Array<{ target: string; details?: { trial?: { phase: string } } }>;
    };
    expect(saved.items.find((i) => i.target === DEMO.keys.used && i.details?.trial)?.details?.trial?.phase).toBe(
      'failed',
    );
    const show = await t.kscli(['show', file, '--output', 'markdown']);
    expect(show.stdout).toMatch(/## Trial\n/);
  });
});

describe('a trial over the key of the organization scenario’s yearly job catches it once the clock passes the job’s date', () => {
  let ws: Workspace;
  let sandbox: ServedSandbox;
  let kms: KMSClient;
  const kscli = (args: string[]) =>
    runKscliBy('in-process', ['--endpoint-url', sandbox.url, ...args], { env: kscliEnv(ws), timeoutMs: 90_000 });
  beforeAll(async () => {
    ws = createWorkspace('trial-org');
    const reset = await runKscli(
      ['sandbox', 'reset', '--scenario', 'org', '--state', ws.statePath, '--output', 'json'],
      {
        env: kscliEnv(ws, { credentials: false }),
        timeoutMs: 30_000,
      },
    );
    expectExit(reset, 0);
    sandbox = await startServe(ws);
    kms = new KMSClient(sdkClientConfig(sandbox.url));
  });
  afterAll(async () => {
    kms?.destroy();
    await sandbox?.stop();
    ws?.remove();
  });

  const JOB_KEY = DEMO.keys.unusedB;
  const JOB_ROLE = 'arn:aws:iam::200000000001:role/yearly-archive-restore';
  const run = () =>
    kscli(['schedule-deletion', DEMO.hsmStore, '--key', JOB_KEY, '--allow-data-loss', '--yes', '--output', 'json']);

  it('disable-keys starts the trial; before the job’s date the trial is running with 0 failed calls (exit 8)', async () => {
    expectExit(await kscli(['disable-keys', DEMO.hsmStore, '--key', JOB_KEY, '--trial-days', '14', '--yes']), 0);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: JOB_KEY }))).KeyMetadata?.KeyState).toBe('Disabled');
    await sandbox.advanceDays(5);
    const r = await run();
    expectExit(r, 8);
    expect(
      r
        .json()
        .plan.find(
          (i: { target: string; action: string }) => i.target === JOB_KEY && i.action === 'ScheduleKeyDeletion',
        ).reason,
    ).toMatch(/0 failed calls so far/);
  });

  it('after the job’s date the re-run names the yearly job from the member account and stops (exit 3), scheduling nothing', async () => {
    await sandbox.advanceDays(6);
    const mark = sandbox.mark();
    const r = await run();
    expectExit(r, 3);
    const line = r
      .json()
      .plan.find((i: { target: string; action: string }) => i.target === JOB_KEY && i.action === 'ScheduleKeyDeletion');
    expect(line.status).toBe('blocked');
    expect(line.details.trial.phase).toBe('failed');
    expect(line.details.trial.failures).toHaveLength(1);
    expect(line.details.trial.failures[0]).toMatchObject({
      principal: JOB_ROLE,
      account: '200000000001',
      operation: 'Decrypt',
      errorCode: 'DisabledException',
    });
    expect(line.reason).toMatch(/yearly-archive-restore: Decrypt x1/);
    expect(sandbox.requestsSince(mark).filter((q) => q.operation === 'ScheduleKeyDeletion')).toHaveLength(0);
    expectNoMutatingRequests(sandbox.requestsSince(mark));
    // usage says the same, from the same record
    const u = await kscli(['usage', DEMO.hsmStore, '--key', JOB_KEY, '--output', 'json']);
    expect(u.json().keys[0].trial.failures[0].principal).toBe(JOB_ROLE);
  });
});
