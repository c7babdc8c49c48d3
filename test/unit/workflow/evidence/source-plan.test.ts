/**
 * Which source answers for which stretch (issue 23): `--evidence logs` uses the log group alone and
 * names what it does not cover as a gap (keys that must be covered there are unknown, with the
 * stretch and the way out in the reason); `--evidence auto` joins LookupEvents for the older part
 * and says so. First the pure plan, then the whole evidence step over the fake account (request
 * counts and verdicts).
 */
import { describe, expect, it } from 'vitest';
import { assessKeysImpl } from '../../../../src/workflow/evidence/assess.js';
import type { LogCoverage } from '../../../../src/workflow/evidence/logs-coverage.js';
import { planSources } from '../../../../src/workflow/evidence/source-plan.js';
import type { EvidenceRunSummary } from '../../../../src/workflow/evidence/logs-insights-source.js';
import { evidenceSummaryJson, evidenceSummaryLine } from '../../../../src/workflow/evidence/summary.js';
import type { KeyInfo } from '../../../../src/aws/ports.js';
import { addGoodTrail, EvidenceAccount, kmsEvent, makeKey } from './fake-aws.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

function coverage(fromDaysAgo: number, windowDays = 90): LogCoverage {
  const from = ago(fromDaysAgo);
  return {
    extent: fromDaysAgo >= windowDays ? 'full' : 'partial',
    logGroup: { name: 'ct-logs', region: 'us-east-1', accountId: '111122223333', arn: 'arn:x' },
    queryIdentifier: 'ct-logs',
    trail: 'management-events',
    from: fromDaysAgo >= windowDays ? ago(windowDays) : from,
    to: NOW,
    problems: [],
    limits: fromDaysAgo >= windowDays ? [] : ['log group ct-logs keeps events 30 days'],
  };
}

const plan = (mode: 'auto' | 'logs', fromDaysAgo: number, windowDays = 90) =>
  planSources({
    mode,
    coverage: coverage(fromDaysAgo, windowDays),
    window: { start: ago(windowDays), end: NOW },
    apiStart: ago(Math.min(windowDays, 90)),
  });

describe('planSources', () => {
  it('a log group that covers the window: it alone, in either mode, no gap, nothing joined', () => {
    for (const mode of ['auto', 'logs'] as const) {
      const p = plan(mode, 400);
      expect(p).toEqual({ logsFrom: ago(90), lastUsage: false });
    }
  });

  it('logs, a group of 30 days in a 90-day window: no LookupEvents, no GetKeyLastUsage; the 60 days before are uncovered, auto named as the way out', () => {
    const p = plan('logs', 30);
    expect(p.lookup).toBeUndefined();
    expect(p.lastUsage).toBe(false);
    expect(p.joined).toBeUndefined();
    expect(p.uncovered).toEqual({
      start: ago(90),
      end: ago(30),
      reason:
        '--evidence logs uses log group ct-logs alone, and it begins 2026-10-31 (log group ct-logs keeps events 30 days)',
      remedy: '--evidence auto (adds LookupEvents for 2026-09-01..2026-10-31)',
    });
  });

  it('auto, the same group: LookupEvents up to the millisecond before the group begins, GetKeyLastUsage, and the join said', () => {
    const p = plan('auto', 30);
    expect(p.lookup).toEqual({ start: ago(90), end: new Date(ago(30).getTime() - 1) });
    expect(p.lastUsage).toBe(true);
    expect(p.uncovered).toBeUndefined();
    expect(p.joined).toMatch(
      /^--evidence auto joined two sources: log group ct-logs begins 2026-10-31 \(log group ct-logs keeps events 30 days\), so CloudTrail LookupEvents answers for 2026-09-01\.\.2026-10-31$/,
    );
  });

  it('--days 400 and a group of 200 days: auto cannot reach further either (LookupEvents is 90 days): uncovered, no join, no remedy beyond a shorter window', () => {
    const auto = plan('auto', 200, 400);
    expect(auto.lookup).toBeUndefined();
    expect(auto.joined).toBeUndefined();
    expect(auto.uncovered).toMatchObject({ start: ago(400), end: ago(200) });
    expect(auto.uncovered!.reason).toMatch(/nothing searchable reaches further back/);
    const logs = plan('logs', 200, 400);
    expect(logs.uncovered).toMatchObject({ start: ago(400), end: ago(200) });
    // auto would add nothing: the group begins before LookupEvents' 90 days
    expect(logs.uncovered!.remedy).toBeUndefined();
  });

  it('--days 120 and a group of 30 days: auto joins LookupEvents for 90..30 and names 120..90 as uncovered', () => {
    const p = planSources({
      mode: 'auto',
      coverage: coverage(30, 120),
      window: { start: ago(120), end: NOW },
      apiStart: ago(90),
    });
    expect(p.lookup!.start).toEqual(ago(90));
    expect(p.joined).toBeDefined();
    expect(p.uncovered).toMatchObject({ start: ago(120), end: ago(90) });
  });
});

/** An account whose log group keeps 30 days, keys older than that, one used 50 days ago. */
function thirtyDays() {
  const acct = new EvidenceAccount();
  addGoodTrail(acct, {}, { retentionInDays: 30, creationTime: ago(500) });
  acct.trailStatus.set(acct.trails[0]!.arn, { isLogging: true, startLoggingTime: ago(400) });
  acct.oldestStream.set('aws-cloudtrail-logs', ago(400));
  const usedLongAgo = makeKey({ creationDate: ago(300) });
  const usedRecently = makeKey({ creationDate: ago(300) });
  const idle = makeKey({ creationDate: ago(300) });
  const young = makeKey({ creationDate: ago(10) });
  acct.keys.push(usedLongAgo, usedRecently, idle, young);
  acct.events.set(usedLongAgo.arn, [kmsEvent(usedLongAgo, 'Decrypt', ago(50))]);
  acct.events.set(usedRecently.arn, [kmsEvent(usedRecently, 'Decrypt', ago(5))]);
  return { acct, keys: [usedLongAgo, usedRecently, idle, young], usedLongAgo, usedRecently, idle, young };
}

describe('the evidence step with a log group shorter than the window', () => {
  const run = (acct: EvidenceAccount, keys: KeyInfo[], mode: 'auto' | 'logs', extra = {}) => {
    let summary: EvidenceRunSummary | undefined;
    const warnings: string[] = [];
    const notes: string[] = [];
    const done = assessKeysImpl(acct.ports(), keys, {
      allowInUse: true,
      allowUnknownUsage: true,
      now: NOW,
      evidence: mode,
      dependents: 'off',
      onSummary: (s) => (summary = s),
      warn: (l) => warnings.push(l),
      note: (l) => notes.push(l),
      ...extra,
    });
    return done.then((r) => ({ r, summary: summary!, warnings, notes }));
  };

  it('--evidence logs: no LookupEvents or GetKeyLastUsage call; keys that must be covered before the group are unknown with the stretch and the way out; a key younger than the group is decided', async () => {
    const { acct, keys, usedLongAgo, usedRecently, idle, young } = thirtyDays();
    const { r, summary, warnings, notes } = await run(acct, keys, 'logs');
    expect(acct.callsOf('LookupEvents')).toEqual([]);
    expect(acct.callsOf('GetKeyLastUsage')).toEqual([]);
    expect(acct.callsOf('StartQuery')).toHaveLength(1);
    expect(r.get(usedRecently.keyId)!.verdict).toBe('in-use');
    // its use 50 days ago is outside the group: unknown, never unused
    expect(r.get(usedLongAgo.keyId)!.verdict).toBe('unknown');
    expect(r.get(idle.keyId)!.verdict).toBe('unknown');
    expect(r.get(idle.keyId)!.reason).toMatch(
      /^no use found, but the evidence starts 2026-10-31 .* 2026-09-01\.\.2026-10-31 not searched \(--evidence logs uses log group aws-cloudtrail-logs alone, and it begins 2026-10-31 \(log group aws-cloudtrail-logs keeps events 30 days\)\); run with --evidence auto \(adds LookupEvents for 2026-09-01\.\.2026-10-31\) or --unused-days 30; /,
    );
    expect(r.get(idle.keyId)!.evidence.lastUsage.status).toBe('not-asked');
    expect(r.get(young.keyId)!.verdict).toBe('unused');
    expect(summary.source).toBe('logs-insights');
    expect(summary.segments.map((s) => s.source)).toEqual(['logs-insights']);
    expect(summary.uncovered).toHaveLength(1);
    expect(summary.joined).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/2026-09-01\.\.2026-10-31 of the window is not searched: --evidence logs uses/);
    expect(notes).toEqual([]);
    const json = evidenceSummaryJson(summary);
    expect(json.joined).toBeNull();
    expect(json.uncovered[0]).toMatchObject({ start: ago(90).toISOString(), remedy: expect.stringMatching(/auto/) });
    expect(evidenceSummaryLine(summary)).toMatch(/; not searched 2026-09-01\.\.2026-10-31$/);
  });

  it('--evidence logs with --unused-days 30 (what the reason proposes): every key decided from the group alone', async () => {
    const { acct, keys, usedLongAgo, idle } = thirtyDays();
    const { r } = await run(acct, keys, 'logs', { unusedDays: 30 });
    expect(r.get(usedLongAgo.keyId)!.verdict).toBe('unused');
    expect(r.get(idle.keyId)!.verdict).toBe('unused');
  });

  it('--evidence auto: joins LookupEvents for the older part, says so (note, summary, the line); the key used 50 days ago is in use', async () => {
    const { acct, keys, usedLongAgo, idle } = thirtyDays();
    const { r, summary, notes } = await run(acct, keys, 'auto');
    expect(acct.callsOf('LookupEvents')).toHaveLength(4);
    expect(r.get(usedLongAgo.keyId)!.verdict).toBe('in-use');
    expect(r.get(idle.keyId)!.verdict).toBe('unused');
    expect(summary.source).toBe('logs-insights+api');
    expect(summary.uncovered).toEqual([]);
    expect(notes).toEqual([summary.joined]);
    expect(summary.joined).toMatch(
      /--evidence auto joined two sources: log group aws-cloudtrail-logs begins 2026-10-31/,
    );
    expect(evidenceSummaryJson(summary).joined).toBe(summary.joined);
    expect(evidenceSummaryLine(summary)).toMatch(
      /^evidence: CloudTrail LookupEvents 2026-09-01\.\.2026-10-31 \+ log group .* \(joined by --evidence auto\)$/,
    );
  });
});
