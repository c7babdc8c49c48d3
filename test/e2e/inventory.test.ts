/**
 * kscli inventory end to end (issue 11): the built binary against `sandbox serve` over the demo
 * organization (`sandbox reset --scenario org`: 6 accounts, 4 Regions, 6 scattered stores plus
 * the demo account's 3). Expected rows are computed here from the sandbox's state file, by rules
 * written independently of kscli (which accounts and Regions a management-account caller can read).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  createWorkspace,
  expectCleanError,
  expectExit,
  expectNoMutatingRequests,
  kscliEnv,
  runKscli,
  runKscliBy,
  sdkClientConfig,
  secretsIn,
  startServe,
  type ServedSandbox,
  type Workspace,
} from './helpers/index.js';

let ws: Workspace;
let sandbox: ServedSandbox;

const MANAGEMENT = '111122223333';
const kscli = (args: string[], extra?: Record<string, string | undefined>) =>
  runKscliBy('in-process', ['--endpoint-url', sandbox.url, ...args], {
    env: kscliEnv(ws, { extra }),
    timeoutMs: 90_000,
  });

beforeAll(async () => {
  ws = createWorkspace('inventory');
  const reset = await runKscli(['sandbox', 'reset', '--scenario', 'org', '--state', ws.statePath, '--output', 'json'], {
    env: kscliEnv(ws, { credentials: false }),
    timeoutMs: 30_000,
  });
  expectExit(reset, 0);
  sandbox = await startServe(ws);
});
afterAll(async () => {
  await sandbox?.stop();
  ws?.remove();
});

interface Doc {
  org: {
    managementAccountId: string;
    regions: string[];
    accounts: Array<{
      id: string;
      name: string;
      state: string;
      roles: Record<string, { externalId?: string }>;
      optIn: string[];
      deniedRegions?: string[];
    }>;
  };
  cells: Array<{
    accountId: string;
    region: string;
    stores: Array<{ id: string; name: string; type: string; state: string; clusterId?: string }>;
    keys: Array<{ storeId?: string; state: string }>;
    clusters: Array<{ id: string; hsms: unknown[] }>;
  }>;
}

const OPT_IN = new Set(['ap-southeast-4', 'eu-south-1', 'af-south-1', 'me-south-1']);

/** The rows a management-account caller must get, from the state file, by the organization's rules. */
function expectedRows(doc: Doc, externalId?: string) {
  const rows: Array<Record<string, unknown>> = [];
  for (const cell of doc.cells) {
    const a = doc.org.accounts.find((x) => x.id === cell.accountId)!;
    if (a.state !== 'ACTIVE') continue;
    const self = a.id === doc.org.managementAccountId;
    const role = a.roles.OrganizationAccountAccessRole;
    if (!self && (!role || (role.externalId !== undefined && role.externalId !== externalId))) continue;
    if (OPT_IN.has(cell.region) && !a.optIn.includes(cell.region)) continue;
    if (a.deniedRegions?.includes(cell.region)) continue;
    for (const s of cell.stores) {
      const keyCounts: Record<string, number> = {};
      for (const k of cell.keys.filter((k) => k.storeId === s.id)) {
        const visible =
          k.state === 'PendingDeletion' ? 'PendingDeletion' : s.state !== 'CONNECTED' ? 'Unavailable' : k.state;
        keyCounts[visible] = (keyCounts[visible] ?? 0) + 1;
      }
      const cluster = cell.clusters.find((c) => c.id === s.clusterId);
      rows.push({
        accountId: a.id,
        accountName: a.name,
        region: cell.region,
        storeId: s.id,
        name: s.name,
        type: s.type,
        connectionState: s.state,
        keyCounts,
        hsmCount: s.type === 'AWS_CLOUDHSM' ? cluster!.hsms.length : null,
      });
    }
  }
  const order = (x: Record<string, unknown>, y: Record<string, unknown>) =>
    `${x.accountId}/${x.region}/${x.storeId}`.localeCompare(`${y.accountId}/${y.region}/${y.storeId}`);
  return rows.sort(order);
}

function actualRows(json: any) {
  return json.stores.map((s: any) => ({
    accountId: s.accountId,
    accountName: s.accountName,
    region: s.region,
    storeId: s.storeId,
    name: s.name,
    type: s.type,
    connectionState: s.connectionState,
    keyCounts: s.keyCounts,
    hsmCount: s.cluster ? s.cluster.hsmCount : null,
  }));
}

const doc = (): Doc => JSON.parse(readFileSync(ws.statePath, 'utf8')) as Doc;

describe('kscli inventory --org over the demo organization', () => {
  it('lists every store it can reach, row by row, and every gap; exit 6 (complete with gaps); nothing mutates', async () => {
    const mark = sandbox.mark();
    const r = await kscli(['inventory', '--org', '--regions', 'all', '--output', 'json']);
    expectExit(r, 6);
    const json = r.json();
    expect(json.schemaVersion).toBe(1);
    expect(json.complete).toBe(false);
    const want = expectedRows(doc());
    expect(actualRows(json)).toEqual(want);
    // the demo account's three stores are among them, unchanged
    expect(want.filter((w) => w.accountId === MANAGEMENT && w.region === 'us-east-1').map((w) => w.storeId)).toEqual([
      'cks-0987654321fedcba0',
      'cks-11111111111111111',
      'cks-1234567890abcdef0',
    ]);
    // every failure class is one line, the rest is still read
    expect(json.gaps.map((g: any) => [g.accountId, g.region, g.kind, g.errorCode])).toEqual([
      ['200000000001', 'eu-west-1', 'access-denied', 'AccessDeniedException'],
      ['200000000002', null, 'assume-role-denied', 'AccessDenied'],
      ['200000000004', null, 'assume-role-denied', 'AccessDenied'],
    ]);
    expect(json.skipped.map((s: any) => [s.accountId, s.kind])).toEqual([['200000000005', 'account-not-active']]);
    expectNoMutatingRequests(sandbox.requestsSince(mark));
    expect(secretsIn(r.stdout + r.stderr)).toEqual([]);
  });

  it('with --external-id the account whose role demands it is read too', async () => {
    const r = await kscli([
      'inventory',
      '--org',
      '--regions',
      'all',
      '--external-id',
      'kscli-audit',
      '--output',
      'json',
    ]);
    expectExit(r, 6);
    expect(actualRows(r.json())).toEqual(expectedRows(doc(), 'kscli-audit'));
    expect(r.json().gaps.map((g: any) => g.accountId)).toEqual(['200000000001', '200000000004']);
  });

  it("uses each account's own credentials: every call in a member account acts in it, never the caller's, and no role is assumed in the caller's own account", async () => {
    const mark = sandbox.mark();
    const r = await kscli([
      'inventory',
      '--org',
      '--regions',
      'all',
      '--external-id',
      'kscli-audit',
      '--output',
      'json',
    ]);
    expectExit(r, 6);
    const reqs = sandbox.requestsSince(mark);
    const assumed = reqs.filter((q) => q.operation === 'AssumeRole');
    expect(assumed.every((q) => (q as any).account === MANAGEMENT)).toBe(true);
    expect(assumed.map((q) => String((q.params as any).RoleArn).split(':')[4]).sort()).toEqual([
      '200000000001',
      '200000000002',
      '200000000003',
      '200000000004',
    ]);
    expect(assumed.every((q) => /^kscli-/.test(String((q.params as any).RoleSessionName)))).toBe(true);
    // one DescribeCustomKeyStores per account-Region read, acting in exactly that account
    const describes = reqs
      .filter((q) => q.operation === 'DescribeCustomKeyStores')
      .map((q) => `${(q as any).account}/${q.region}`);
    expect(new Set(describes).size).toBe(describes.length);
    const readable = doc().org.accounts.filter((a) => a.state === 'ACTIVE' && a.id !== '200000000004');
    const expected = readable.flatMap((a) =>
      doc()
        .org.regions.filter((rg) => !OPT_IN.has(rg) || a.optIn.includes(rg))
        .map((rg) => `${a.id}/${rg}`),
    );
    expect(describes.sort()).toEqual(expected.sort());
    // every store row was found by a call acting in its own account and Region
    for (const s of r.json().stores) expect(describes).toContain(`${s.accountId}/${s.region}`);
  });

  it('csv and markdown carry the same stores; csv lists the gaps on stderr', async () => {
    const csv = await kscli(['inventory', '--org', '--regions', 'all', '--output', 'csv']);
    expectExit(csv, 6);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^account_id,account_name,region,store_id,/);
    expect(lines.length - 1).toBe(expectedRows(doc()).length);
    expect(csv.stderr).toMatch(/gap: 200000000004 \(sandbox-0004\) all Regions: assume-role-denied/);
    const md = await kscli(['inventory', '--org', '--regions', 'all', '--output', 'markdown']);
    expectExit(md, 6);
    expect(md.stdout).toMatch(/^# Custom key store inventory/);
    expect(md.stdout).toMatch(/## Gaps\n\n- 200000000001 \(prod-0001\) eu-west-1: access-denied/);
    expect(md.stdout.match(/^\| \d{12}/gm)?.length).toBe(expectedRows(doc()).length);
  });

  it('a Region asked for that the account has not enabled is a skip when ListRegions says so, a gap when only the call says so', async () => {
    const r = await kscli(['inventory', '--org', '--regions', 'us-east-1,ap-southeast-4', '--output', 'json']);
    expectExit(r, 6);
    const skipped = r
      .json()
      .skipped.filter((s: any) => s.kind === 'region-not-enabled')
      .map((s: any) => `${s.accountId}/${s.region}`);
    expect(skipped).toContain('200000000001/ap-southeast-4');
    // one Region only: kscli does not call ListRegions, the call itself is refused
    const one = await kscli(['inventory', '--org', '--regions', 'ap-southeast-4', '--output', 'json']);
    expectExit(one, 6);
    const gap = one.json().gaps.find((g: any) => g.accountId === '200000000001');
    expect(gap).toMatchObject({
      region: 'ap-southeast-4',
      kind: 'region-not-enabled',
      errorCode: 'UnrecognizedClientException',
    });
  });

  it('a call failing in some account-Regions leaves a gap there and the rest is read', async () => {
    await sandbox.setFaults({ errorRate: { ListKeys: 1 } });
    try {
      const r = await kscli([
        'inventory',
        '--org',
        '--regions',
        'all',
        '--external-id',
        'kscli-audit',
        '--output',
        'json',
      ]);
      expectExit(r, 6);
      const json = r.json();
      const withStores = new Set(expectedRows(doc(), 'kscli-audit').map((w) => `${w.accountId}/${w.region}`));
      const errorGaps = json.gaps.filter((g: any) => g.kind === 'error').map((g: any) => `${g.accountId}/${g.region}`);
      expect(new Set(errorGaps)).toEqual(withStores);
      expect(json.stores).toEqual([]);
      expect(json.summary.accountRegionsRead).toBeGreaterThan(withStores.size);
    } finally {
      await sandbox.setFaults({});
    }
  });

  it('a session that expires mid-run (sandbox clock moved 2 h) is renewed and the run completes', async () => {
    const mark = sandbox.mark();
    await sandbox.setFaults({ slowMs: { DescribeCustomKeyStores: 150 } });
    try {
      const run = kscli([
        'inventory',
        '--org',
        '--regions',
        'all',
        '--external-id',
        'kscli-audit',
        '--concurrency',
        '1',
        '--output',
        'json',
      ]);
      // wait until some member account was read, then move the sandbox clock past the sessions' hour
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (
          sandbox
            .requestsSince(mark)
            .some((q) => q.operation === 'DescribeCustomKeyStores' && (q as any).account === '200000000003')
        )
          break;
      }
      const res = await fetch(`${sandbox.url}/__sandbox/advance`, {
        method: 'POST',
        body: JSON.stringify({ hours: 2 }),
      });
      expect(res.ok).toBe(true);
      const r = await run;
      expectExit(r, 6);
      expect(actualRows(r.json())).toEqual(expectedRows(doc(), 'kscli-audit'));
      expect(r.json().gaps.map((g: any) => g.kind)).not.toContain('credentials-expired');
      const reqs = sandbox.requestsSince(mark);
      const expired = reqs.findIndex((q) => q.outcome === 'ExpiredTokenException');
      expect(expired).toBeGreaterThan(-1);
      const account = (reqs[expired] as any).account;
      expect(
        reqs
          .slice(expired)
          .some((q) => q.operation === 'AssumeRole' && String((q.params as any).RoleArn).includes(account)),
      ).toBe(true);
    } finally {
      await sandbox.setFaults({});
    }
  });
});

describe('kscli inventory: account sources and refusals', () => {
  it('default: the current credentials only (one account), every enabled Region, exit 0', async () => {
    const all = await kscli(['inventory', '--output', 'json']);
    expectExit(all, 0);
    expect(all.json().regions).toBe('all');
    expect(all.json().stores.every((s: any) => s.accountId === MANAGEMENT)).toBe(true);
    const mark = sandbox.mark();
    const r = await kscli(['--region', 'us-east-1', 'inventory', '--output', 'json']);
    expectExit(r, 0);
    expect(r.json().complete).toBe(true);
    expect(r.json().stores.map((s: any) => s.storeId)).toEqual([
      'cks-0987654321fedcba0',
      'cks-11111111111111111',
      'cks-1234567890abcdef0',
    ]);
    expect(sandbox.requestsSince(mark).some((q) => q.operation === 'AssumeRole' || q.service === 'organizations')).toBe(
      false,
    );
  });

  it('--accounts FILE (c7n-org YAML) reads the accounts listed, with their own role settings', async () => {
    const file = ws.path('accounts.yml');
    writeFileSync(
      file,
      'accounts:\n  - account_id: "200000000002"\n    name: dev-two\n    external_id: kscli-audit\n    regions: [us-east-1, us-west-2]\n  - account_id: "200000000003"\n    name: sec\n',
    );
    const r = await kscli(['inventory', '--accounts', file, '--regions', 'all', '--output', 'json']);
    expect([0, 6]).toContain(r.code);
    const json = r.json();
    expect(json.accountSource).toBe('file');
    expect(json.gaps).toEqual([]);
    const want = expectedRows(doc(), 'kscli-audit').filter(
      (w) =>
        (w.accountId === '200000000002' && ['us-east-1', 'us-west-2'].includes(w.region as string)) ||
        w.accountId === '200000000003',
    );
    expect(actualRows(json).map((x: any) => x.storeId)).toEqual(want.map((w) => w.storeId));
  });

  it('--ou narrows --org to an OU and every OU below it (ListChildren + ListAccountsForParent)', async () => {
    const mark = sandbox.mark();
    const r = await kscli([
      'inventory',
      '--org',
      '--ou',
      'ou-k5c1-workloads',
      '--regions',
      'all',
      '--external-id',
      'kscli-audit',
      '--output',
      'json',
    ]);
    expect([0, 6]).toContain(r.code);
    // Workloads holds no account itself; Prod holds 1 and 5 (suspended), Dev holds 2
    const accounts = new Set([
      ...r.json().stores.map((s: any) => s.accountId),
      ...r.json().gaps.map((g: any) => g.accountId),
      ...r.json().skipped.map((k: any) => k.accountId),
    ]);
    for (const a of accounts) expect(['200000000001', '200000000002', '200000000005']).toContain(a);
    expect(r.json().summary.accounts).toBe(3);
    expect(actualRows(r.json())).toEqual(
      expectedRows(doc(), 'kscli-audit').filter((w) =>
        ['200000000001', '200000000002'].includes(w.accountId as string),
      ),
    );
    expect(sandbox.requestsSince(mark).some((q) => q.operation === 'ListAccounts')).toBe(false);
  });

  it('--usage adds the verdict counts per store, the same verdicts kscli usage gives', async () => {
    const inv = await kscli(['inventory', '--usage', '--output', 'json']);
    expectExit(inv, 0);
    const usage = await kscli(['usage', 'cks-1234567890abcdef0', '--output', 'json']);
    expectExit(usage, 0);
    const count = (v: string) => usage.json().keys.filter((k: any) => k.verdict === v).length;
    const row = inv.json().stores.find((s: any) => s.storeId === 'cks-1234567890abcdef0');
    // every verdict kscli usage gives is one inventory counts (issue 19 added protects-data)
    const verdicts = new Set(usage.json().keys.map((k: any) => k.verdict));
    for (const v of verdicts) expect(['in-use', 'unused', 'unknown', 'protects-data']).toContain(v);
    expect(row.usage).toEqual({
      inUse: count('in-use'),
      unused: count('unused'),
      unknown: count('unknown'),
      // counted apart, and present only when some key protects data
      ...(count('protects-data') > 0 ? { protectsData: count('protects-data') } : {}),
    });
    expect(row.usage.inUse).toBeGreaterThanOrEqual(1);
    // alias/reports-archive (0b7fd7d4-…) protects data at rest in the demo
    expect(row.usage.protectsData).toBe(1);
    expect(inv.json().stores.find((s: any) => s.storeId === 'cks-0987654321fedcba0').usage).toEqual({
      inUse: 0,
      unused: 0,
      unknown: 0,
    });
  });

  it('--org from a member account: ListAccounts is denied, exit 4 naming the fix', async () => {
    const sts = new STSClient(sdkClientConfig(sandbox.url));
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::200000000003:role/OrganizationAccountAccessRole',
        RoleSessionName: 'test-member',
      }),
    );
    const c = out.Credentials!;
    const r = await kscli(['inventory', '--org'], {
      AWS_ACCESS_KEY_ID: c.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
      AWS_SESSION_TOKEN: c.SessionToken,
    });
    expectCleanError(r, {
      code: 4,
      problem: /--org: account 200000000003 may not list the organization's accounts/,
      fix: /management account or of a delegated administrator/,
    });
  });

  it('bad flags are refused before any AWS call (exit 2)', async () => {
    const mark = sandbox.mark();
    for (const [args, problem] of [
      [['inventory', '--org', '--accounts', 'x.txt'], /either --org or --accounts/],
      [['inventory', '--ou', 'ou-k5c1-prod0001'], /--ou narrows --org/],
      [['inventory', '--regions', 'EU-WEST-1'], /"EU-WEST-1" is not a Region/],
      [['inventory', '--concurrency', '0'], /--concurrency "0"/],
      [['inventory', '--org', '--ou', 'prod'], /--ou prod is not an organizational unit/],
      [['inventory', '--accounts', ws.path('missing.txt')], /cannot read the file/],
      [['stores', '--output', 'csv'], /--output csv is offered by kscli inventory only/],
    ] as const) {
      const r = await kscli([...args]);
      expectCleanError(r, { code: 2, problem });
    }
    expect(sandbox.requestsSince(mark)).toEqual([]);
  });
});

describe("--regions on the read commands (the caller's account)", () => {
  it('stores --regions all lists the stores of every enabled Region with their Region; same as inventory without --org', async () => {
    const r = await kscli(['stores', '--regions', 'all', '--output', 'json']);
    expectExit(r, 0);
    const json = r.json();
    expect(json.complete).toBe(true);
    const want = expectedRows(doc()).filter((w) => w.accountId === MANAGEMENT);
    expect(json.stores.map((s: any) => `${s.region}/${s.storeId}`)).toEqual(
      want.map((w) => `${w.region}/${w.storeId}`),
    );
    expect(json.stores.map((s: any) => s.keyCounts)).toEqual(want.map((w) => w.keyCounts));
  });

  it('find-keys <store> --regions all finds the Region holding the store and lists its keys there', async () => {
    const elsewhere = expectedRows(doc()).find((w) => w.accountId === MANAGEMENT && w.region !== 'us-east-1')!;
    const r = await kscli(['find-keys', elsewhere.storeId as string, '--regions', 'all', '--output', 'json']);
    expectExit(r, 0);
    expect(r.stderr).toContain(`is in ${elsewhere.region}`);
    expect(r.json().store.storeId).toBe(elsewhere.storeId);
    const total = Object.values(elsewhere.keyCounts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(r.json().keys).toHaveLength(total);
    expect(r.json().keys.every((k: any) => k.arn.includes(`:${elsewhere.region}:`))).toBe(true);
  });

  it('a store in none of the Regions searched: exit 3 naming them', async () => {
    const r = await kscli(['orphans', 'cks-00000000000000000', '--regions', 'us-east-1,us-west-2']);
    expectCleanError(r, {
      code: 3,
      problem:
        /cks-00000000000000000 was not found in account 111122223333 in the 2 Region\(s\) searched \(us-east-1, us-west-2\)/,
      fix: /stores --regions all/,
    });
  });
});
