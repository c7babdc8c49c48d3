/**
 * Issue 20's invariants, judged from the sandbox's own record (its request log with sandbox times,
 * and its CloudTrail events), never from what kscli printed:
 *   T1 no key is scheduled before its trial has ended, unless named with --end-trial
 *   T2 enable-keys enables only keys disabled for a trial (tagged by kscli, not untagged since), or named with --key
 *   T3 a trial with failed calls never proceeds: no key is scheduled after a failed call during its trial
 * A scripted trial on the demo (kscli in-process against the in-process sandbox, the sandbox clock
 * as kscli's clock) holds all three; each has a sabotage (a test-only module mock that breaks one
 * rule in kscli) that the invariant named for it catches.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InProcessSandbox, inProcessPorts, type LoggedRequest } from './helpers/in-process-sandbox.js';
import { runKscli } from './helpers/kscli-in-process.js';

const sabotage = { t1: false, t2: false, t3: false };

vi.mock('../../src/workflow/trial/evaluate.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/workflow/trial/evaluate.js')>();
  return {
    ...orig,
    // T1: every key counts as cut short with --end-trial
    endTrialIds: (refs: string[], keys: Array<{ keyId: string }>, aliases: Map<string, string[]>) =>
      sabotage.t1 ? new Set(keys.map((k) => k.keyId)) : orig.endTrialIds(refs, keys as never, aliases),
    // T2: every Disabled key counts as named
    evaluateEnable: (key: never, trial: never, named: boolean, connected: boolean, aliases?: string[]) =>
      orig.evaluateEnable(key, trial, sabotage.t2 || named, connected, aliases),
    // T3: a trial with failed calls reads as a clean one
    evaluateTrialGate: (
      trial: import('../../src/workflow/trial/state.js').TrialReport | undefined,
      now: Date,
      endEarly: boolean,
    ) =>
      orig.evaluateTrialGate(
        sabotage.t3 && trial?.phase === 'failed' ? { ...trial, phase: 'ended', failures: [] } : trial,
        now,
        endEarly,
      ),
  };
});
vi.mock('../../src/workflow/trial/state.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/workflow/trial/state.js')>();
  return {
    ...orig,
    // T3 (the trial phase step too): failures are not looked at
    readTrials: async (...a: Parameters<typeof orig.readTrials>) => {
      const r = await orig.readTrials(...a);
      if (sabotage.t3)
        for (const [k, t] of r.reports)
          if (t.phase === 'failed') r.reports.set(k, { ...t, phase: 'ended', failures: [] });
      return r;
    },
  };
});

const STORE = 'cks-1234567890abcdef0';
const XKS_STORE = 'cks-11111111111111111';
const DAY = 86_400_000;
const T = (r: LoggedRequest) => Date.parse(r.sandboxTime ?? r.time);
const keyOf = (r: LoggedRequest) => String(r.params?.KeyId ?? '');

interface Run {
  n: number;
  argv: string[];
}

/** The trial window kscli had recorded on `key` before request `seq` (a TagResource not undone since), from the request log. */
function activeTrial(requests: LoggedRequest[], key: string, seq: number): { start: number; end: number } | undefined {
  let trial: { start: number; end: number } | undefined;
  for (const r of requests) {
    if (r.seq >= seq) break;
    if (keyOf(r) !== key || r.outcome !== 'ok') continue;
    if (r.operation === 'TagResource') {
      const tags = (r.params?.Tags ?? []) as Array<{ TagKey: string; TagValue: string }>;
      const s = tags.find((x) => x.TagKey === 'kscli:trial-start');
      const e = tags.find((x) => x.TagKey === 'kscli:trial-end');
      if (s && e) trial = { start: Date.parse(s.TagValue), end: Date.parse(e.TagValue) };
    }
    if (r.operation === 'UntagResource') trial = undefined;
  }
  return trial;
}

function failedCalls(sb: InProcessSandbox, key: string): number[] {
  return sb.model.acc.state.events
    .map(
      (e) =>
        JSON.parse(e.json) as {
          eventName: string;
          errorCode?: string;
          eventTime: string;
          resources?: Array<{ ARN: string }>;
        },
    )
    .filter((e) => ['Decrypt', 'Encrypt', 'GenerateDataKey'].includes(e.eventName) && e.errorCode)
    .filter((e) => e.resources?.some((x) => x.ARN.endsWith(`/${key}`)))
    .map((e) => Date.parse(e.eventTime));
}

function violations(sb: InProcessSandbox, runs: Run[]): string[] {
  const out: string[] = [];
  const argvOf = (n: number) => runs.find((r) => r.n === n)?.argv ?? [];
  const named = (argv: string[], flag: string, key: string) => argv.some((a, i) => argv[i - 1] === flag && a === key);
  for (const r of sb.requests.filter((q) => q.caller === 'kscli')) {
    const key = keyOf(r);
    if (r.operation === 'ScheduleKeyDeletion') {
      const trial = activeTrial(sb.requests, key, r.seq);
      if (!trial) continue;
      if (T(r) < trial.end && !named(argvOf(r.run), '--end-trial', key))
        out.push(`T1 ${key} scheduled at ${r.sandboxTime} before its trial ended`);
      const failed = failedCalls(sb, key).filter((f) => f >= trial.start - 60_000 && f <= T(r));
      if (failed.length) out.push(`T3 ${key} scheduled after ${failed.length} failed call(s) during its trial`);
    }
    if (r.operation === 'EnableKey' && argvOf(r.run)[0] === 'enable-keys') {
      if (!activeTrial(sb.requests, key, r.seq) && !named(argvOf(r.run), '--key', key))
        out.push(`T2 ${key} enabled by enable-keys without a trial or --key`);
    }
  }
  return out;
}

async function script(kind: 'failing' | 'running') {
  const sb = new InProcessSandbox({ seed: 20 });
  const ports = inProcessPorts(() => sb);
  const home = mkdtempSync(join(tmpdir(), 'kscli-trial-inv-'));
  const runs: Run[] = [];
  const kscli = async (argv: string[]) => {
    sb.run = runs.length + 1;
    runs.push({ n: sb.run, argv });
    return runKscli(sb, ports, home, [...argv, '--output', 'json', '--yes']);
  };
  // a running trial on the external store (nobody calls its keys); a failing one on the demo store
  const store = kind === 'running' ? XKS_STORE : STORE;
  const first = await kscli(['delete-store', store, '--trial-days', '14', '--allow-in-use']);
  expect(first.code).toBe(8);
  if (kind === 'running') {
    sb.advance(DAY);
    await kscli(['delete-store', store, '--allow-in-use', '--allow-unknown-usage', '--allow-data-loss']);
  } else {
    sb.advance(15 * DAY); // the app role's calls failed meanwhile; the trial has ended
    await kscli(['delete-store', STORE, '--allow-in-use', '--allow-unknown-usage', '--allow-data-loss']);
    await kscli(['enable-keys', STORE]);
  }
  return { sb, runs };
}

describe('trial invariants T1-T3', () => {
  it('hold on the scripted trials (no sabotage)', async () => {
    for (const kind of ['running', 'failing'] as const) {
      const { sb, runs } = await script(kind);
      expect(violations(sb, runs)).toEqual([]);
      // the runs did what the script is about: disabled, then refused to schedule, then rolled back
      expect(sb.requests.filter((r) => r.operation === 'DisableKey' && r.outcome === 'ok')).toHaveLength(
        kind === 'running' ? 2 : 3,
      );
      expect(sb.requests.filter((r) => r.operation === 'ScheduleKeyDeletion')).toHaveLength(0);
    }
  }, 120_000);

  it.each([
    ['t1', 'running', 'T1'],
    ['t3', 'failing', 'T3'],
    ['t2', 'failing', 'T2'],
  ] as const)(
    'sabotage %s is caught by %s',
    async (which, kind, tag) => {
      sabotage[which] = true;
      try {
        const { sb, runs } = await script(kind);
        const v = violations(sb, runs);
        expect(
          v.some((line) => line.startsWith(`${tag} `)),
          v.join('\n'),
        ).toBe(true);
      } finally {
        sabotage[which] = false;
      }
    },
    120_000,
  );
});
