/**
 * What each key protects (issue 19), through the built binary against the sandbox over real HTTP:
 * on the demo, `usage` marks alias/reports-archive as protecting data and names its bucket and
 * snapshots; delete-store refuses it without --allow-data-loss (exit 3, no AWS change) and with it
 * journals the override; through the organization's aggregator a volume in another account under
 * a key of the store is found; bad input and gaps give a clear error or `unknown`, never `unused`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigServiceClient, StopConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  readJournalDir,
  runKscli,
  sdkClientConfig,
  startE2E,
  type E2E,
} from './helpers/index.js';

const ARCHIVE = DEMO.keys.unusedA;
const STORE = DEMO.hsmStore;

describe('data at rest on the demo account', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('data-at-rest');
  });
  afterAll(() => t.stop());

  it('usage names the bucket and the snapshots under alias/reports-archive: protects-data', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['usage', STORE, '--output', 'json']);
    expectExit(r, 0);
    const doc = JSON.parse(r.stdout);
    const archive = doc.keys.find((k: { keyId: string }) => k.keyId === ARCHIVE);
    expect(archive.verdict).toBe('protects-data');
    const ids = archive.dataAtRest.resources.map(
      (x: { resourceType: string; resourceId: string }) => `${x.resourceType} ${x.resourceId}`,
    );
    expect(ids.some((x: string) => x.startsWith('AWS::S3::Bucket '))).toBe(true);
    expect(ids.filter((x: string) => x.startsWith('AWS::EC2::Snapshot ')).length).toBeGreaterThan(0);
    // every other key of the demo: no data found, every core type covered
    for (const k of doc.keys.filter((x: { keyId: string }) => x.keyId !== ARCHIVE))
      expect(k.dataAtRest.status).toBe('none-found');
    expect(
      doc.dependents.coverage.filter((c: { core: boolean; by: string }) => c.core && c.by === 'not-covered'),
    ).toEqual([]);
    expect(doc.dependents.notes.join(' ')).toMatch(/S3 Inventory/);
    const ops = new Set(t.sandbox.requestsSince(mark).map((q) => q.operation));
    expect(ops.has('SelectResourceConfig')).toBe(true);
    expect(ops.has('DescribeSnapshots')).toBe(true);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'usage');
  });

  it('the table shows the DATA column and the resources', async () => {
    const r = await t.kscli(['usage', STORE, '--output', 'table']);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/KEY ID\s+VERDICT\s+LAST USE\s+CALLERS\s+ACTIVITY\s+STATE\s+DATA\s+ALIASES/);
    expect(r.stdout).toMatch(new RegExp(`${ARCHIVE}\\s+protects-data`));
    expect(r.stdout).toMatch(/AWS::S3::Bucket reports-archive/);
  });

  it('delete-store refuses the key without --allow-data-loss: exit 3, nothing changed', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['delete-store', STORE, '--allow-in-use', '--yes', '--output', 'table']);
    expectExit(r, 3);
    expect(r.stdout).toMatch(
      new RegExp(`BLOCKED\\s+${ARCHIVE}.*protects-data: \\d+ resource\\(s\\) encrypted under it.*--allow-data-loss`),
    );
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'delete-store without --allow-data-loss');
  });

  it('a bad --dependents or --config-aggregator is bad input (exit 2) before any AWS call', async () => {
    const mark = t.sandbox.mark();
    const a = await t.kscli(['usage', STORE, '--dependents', 'sometimes']);
    expectExit(a, 2);
    expect(a.stderr).toMatch(/--dependents "sometimes" must be one of auto, config, direct, off/);
    const b = await t.kscli(['usage', STORE, '--config-aggregator', 'bad name!']);
    expectExit(b, 2);
    expect(t.sandbox.requestsSince(mark)).toEqual([]);
  });

  it('an unknown aggregator: one line naming it, exit 2, nothing changed', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['usage', STORE, '--config-aggregator', 'no-such-aggregator']);
    expectExit(r, 2);
    expect(r.stderr).toMatch(/--config-aggregator no-such-aggregator: no such Config aggregator in us-east-1/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'unknown aggregator');
  });

  it('Config failing: --dependents config makes the keys unknown (the gap named), never unused', async () => {
    await t.sandbox.setFaults({ errorRate: { SelectResourceConfig: 1 } });
    try {
      const r = await t.kscli(['usage', STORE, '--dependents', 'config', '--output', 'json']);
      expectExit(r, 0);
      const doc = JSON.parse(r.stdout);
      for (const k of doc.keys) {
        expect(k.verdict).not.toBe('unused');
        if (k.verdict === 'unknown') expect(k.reason).toMatch(/data at rest not covered/);
      }
    } finally {
      await t.sandbox.setFaults({});
    }
  });

  it('with --allow-data-loss the key is scheduled and the override is journalled', async () => {
    const r = await t.kscli([
      'delete-store',
      STORE,
      '--allow-in-use',
      '--allow-data-loss',
      '--yes',
      '--output',
      'json',
    ]);
    expectExit(r, 8);
    const doc = JSON.parse(r.stdout);
    expect(doc.overrides).toContain('--allow-data-loss');
    const line = doc.plan.find((p: { target: string }) => p.target === ARCHIVE);
    expect(line.checks).toContainEqual(expect.objectContaining({ name: 'data-at-rest', overridden: true }));
    expect(JSON.stringify(readJournalDir(t.ws.journalDir))).toMatch(/--allow-data-loss/);
  });

  it('recorder off: --dependents config names it and the keys are unknown', async () => {
    const config = new ConfigServiceClient(sdkClientConfig(t.sandbox.url));
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const r = await t.kscli(['usage', STORE, '--dependents', 'config', '--output', 'json']);
    expectExit(r, 0);
    const doc = JSON.parse(r.stdout);
    const unused = doc.keys.filter((k: { verdict: string }) => k.verdict === 'unused');
    expect(unused).toEqual([]);
    expect(JSON.stringify(doc.dependents.coverage)).toMatch(/not recording/);
  });
});

describe('data at rest across the organization', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('data-at-rest-org');
    const reset = await runKscli(
      ['sandbox', 'reset', '--scenario', 'org', '--state', t.sandbox.statePath, '--output', 'json'],
      {
        env: t.env(),
      },
    );
    expectExit(reset, 0);
  });
  afterAll(() => t.stop());

  it('through the aggregator, a volume in another account under a key of the store is found', async () => {
    const r = await t.kscli(['usage', STORE, '--config-aggregator', 'org-aggregator', '--output', 'json']);
    expectExit(r, 0);
    const doc = JSON.parse(r.stdout);
    const other = doc.keys
      .flatMap((k: { keyId: string; dataAtRest: { resources: Array<{ accountId?: string; resourceType: string }> } }) =>
        k.dataAtRest.resources.map((x) => ({ keyId: k.keyId, ...x })),
      )
      .filter((x: { accountId?: string }) => x.accountId && x.accountId !== DEMO.account);
    expect(other).toContainEqual(
      expect.objectContaining({ resourceType: 'AWS::EC2::Volume', source: 'config-aggregator' }),
    );
    expect(doc.dependents.aggregator).toBe('org-aggregator');
  });
});
