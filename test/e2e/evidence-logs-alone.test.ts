/**
 * `--evidence logs` uses the trail's log group alone; `--evidence auto` may join LookupEvents and
 * says so (issue 23). The demo account's log group holds the events since the scenario began, 3
 * days of a 90-day window: a log group shorter than the window.
 * - logs: no LookupEvents or GetKeyLastUsage in the sandbox's request log; every key that must be
 *   covered before the group begins is `unknown`, its reason naming the stretch not searched and
 *   the runs that would decide it; `usage` exits 0 (it reports), `schedule-deletion` refuses the
 *   unknown key (exit 3); each proposed run, pasted, decides the key;
 * - auto: LookupEvents for the older part, and the join said in the usage line, the plan's output
 *   and the JSON (`evidence.joined`, `evidence.segments`);
 * - on a pipe, no Logs Insights status line reaches stderr (progress is for people at a terminal);
 *   on a pseudo-terminal, it does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, startE2E, type E2E } from './helpers/index.js';
import { ptyAvailable, runInPty } from './helpers/pty.js';

const STORE = DEMO.hsmStore;
const PER_KEY_USE = new Set(['LookupEvents', 'GetKeyLastUsage']);

type UsageDoc = {
  evidence: {
    source: string;
    segments: Array<{ source: string; start: string; end: string }>;
    uncovered: Array<{ start: string; end: string; reason: string; remedy?: string }>;
    joined: string | null;
    warnings: string[];
  };
  keys: Array<{ keyId: string; verdict: string; reason: string; lastUsage: { status: string } }>;
};

describe('--evidence logs with a log group shorter than the window', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('evidence-logs-alone', { args: ['--no-quotas'] });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('logs: the log group alone (no per-key use call); keys older than the group are unknown, the stretch and the way out named; exit 0', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['usage', STORE, '--evidence', 'logs', '--output', 'json']);
    expectExit(r, 0);
    const ops = t.sandbox.requestsSince(mark).map((q) => q.operation ?? '');
    expect(ops.filter((o) => PER_KEY_USE.has(o))).toEqual([]);
    expect(ops.filter((o) => o === 'StartQuery')).toHaveLength(1);
    const doc = r.json() as UsageDoc;
    expect(doc.evidence.source).toBe('logs-insights');
    expect(doc.evidence.segments.map((s) => s.source)).toEqual(['logs-insights']);
    expect(doc.evidence.joined).toBeNull();
    expect(doc.evidence.uncovered).toHaveLength(1);
    const gap = doc.evidence.uncovered[0]!;
    expect(gap.reason).toMatch(new RegExp(`--evidence logs uses log group ${DEMO.logGroup} alone, and it begins`));
    expect(gap.remedy).toMatch(/^--evidence auto \(adds LookupEvents for /);
    const unused = doc.keys.find((k) => k.keyId === DEMO.keys.unusedB)!;
    expect(unused.verdict).toBe('unknown');
    expect(unused.lastUsage.status).toBe('not-asked');
    expect(unused.reason).toMatch(
      /not searched \(--evidence logs uses log group .* alone.*\); run with --evidence auto \(adds LookupEvents for .*\) or --unused-days \d+;/,
    );
    // the used key is found in the group: in use, whatever the gap
    expect(doc.keys.find((k) => k.keyId === DEMO.keys.used)!.verdict).toBe('in-use');
    expect(r.stderr).toMatch(/warning: \S+\.\.\S+ of the window is not searched: --evidence logs uses log group/);
    // stderr is a pipe: no query status lines (issue 23: a cron mail gains nothing from them)
    expect(r.stderr).not.toMatch(/Logs Insights (Scheduled|Running|Complete)/);
  }, 60_000);

  it('each run the reason proposes, pasted, decides the key: --evidence auto, and --unused-days N', async () => {
    const logs = (await t.kscli(['usage', STORE, '--evidence', 'logs', '--output', 'json'])).json() as UsageDoc;
    const reason = logs.keys.find((k) => k.keyId === DEMO.keys.unusedB)!.reason;
    const days = /--unused-days (\d+)/.exec(reason)![1]!;
    for (const extra of [
      ['--evidence', 'auto'],
      ['--evidence', 'logs', '--unused-days', days],
    ]) {
      const r = await t.kscli(['usage', STORE, '--key', DEMO.keys.unusedB, ...extra, '--output', 'json']);
      expectExit(r, 0);
      expect((r.json() as UsageDoc).keys[0]!.verdict, extra.join(' ')).toBe('unused');
    }
  }, 60_000);

  it('schedule-deletion --evidence logs refuses the unknown key (exit 3) with the reason, and changes nothing', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      STORE,
      '--key',
      DEMO.keys.unusedB,
      '--evidence',
      'logs',
      '--no-alarm',
      '--dry-run',
      '--output',
      'table',
    ]);
    expectExit(r, 3);
    expect(r.stdout).toMatch(/unknown: no use found/);
    expect(r.stdout).toMatch(/--evidence auto/);
    const ops = t.sandbox.requestsSince(mark).map((q) => q.operation ?? '');
    expect(ops.filter((o) => PER_KEY_USE.has(o) || o === 'ScheduleKeyDeletion')).toEqual([]);
  }, 60_000);

  it('auto: joins LookupEvents for the older part and says so: the usage line, the JSON, the plan', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['usage', STORE, '--output', 'json']);
    expectExit(r, 0);
    expect(t.sandbox.requestsSince(mark).some((q) => q.operation === 'LookupEvents')).toBe(true);
    const doc = r.json() as UsageDoc;
    expect(doc.evidence.source).toBe('logs-insights+api');
    expect(doc.evidence.segments.map((s) => s.source)).toEqual(['lookup-events', 'logs-insights']);
    expect(doc.evidence.joined).toMatch(
      new RegExp(
        `^--evidence auto joined two sources: log group ${DEMO.logGroup} begins .*, so CloudTrail LookupEvents answers for `,
      ),
    );
    expect(doc.evidence.uncovered).toEqual([]);
    const table = await t.kscli(['usage', STORE, '--output', 'table']);
    expectExit(table, 0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /evidence: CloudTrail LookupEvents \S+ \+ log group .* via Logs Insights \S+ \(joined by --evidence auto\); unused means/,
    );
    const plan = await t.kscli([
      'schedule-deletion',
      STORE,
      '--key',
      DEMO.keys.unusedB,
      '--no-alarm',
      '--allow-data-loss',
      '--dry-run',
    ]);
    expectExit(plan, 0);
    expect(plan.stderr).toMatch(/--evidence auto joined two sources: log group/);
  }, 90_000);

  it.runIf(ptyAvailable)(
    'on a terminal the query status shows on stderr (the counterpart of the pipe above)',
    async () => {
      const r = await runInPty(
        ['--endpoint-url', t.sandbox.url, 'usage', STORE, '--evidence', 'logs', '--output', 'table'],
        {
          env: t.env(),
          size: { cols: 200, rows: 50 },
          timeoutMs: 60_000,
        },
      );
      expectExit(r, 0);
      expect(r.stdout).toMatch(/Logs Insights (Scheduled|Running|Complete), [\d,]+ records scanned/);
    },
    60_000,
  );
});
