/**
 * Issue 20's invariants, judged from the sandbox's own record (its request log with sandbox times,
 * and its CloudTrail events), never from what kscli printed:
 *   T1 no key is scheduled before its trial has ended, unless named with --end-trial
 *   T2 enable-keys enables only keys disabled for a trial (tagged by kscli, not untagged since), or named with --key
 *   T3 a trial with failed calls never proceeds: no key is scheduled after a failed call during its trial
 *   T4 no key in use is disabled for a trial without --allow-in-use
 * A scripted trial on the demo (kscli in-process against the in-process sandbox, the sandbox clock
 * as kscli's clock) holds all three; each has a sabotage (a test-only module mock that breaks one
 * rule in kscli) that the invariant named for it catches. The judge is helpers/trial-judge.ts, the
 * sabotages helpers/trial-sabotage.ts (trial-schedules.property.test.ts plays both in random schedules).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InProcessSandbox, inProcessPorts } from './helpers/in-process-sandbox.js';
import { runKscli } from './helpers/kscli-in-process.js';
import { trialViolations as violations, type TrialRun as Run } from './helpers/trial-judge.js';
import { trialSabotage as sabotage } from './helpers/trial-sabotage.js';

// the sabotages (helpers/trial-sabotage.ts), off unless a test turns one on
vi.mock('../../src/workflow/trial/evaluate.js', async (importOriginal) =>
  (await import('./helpers/trial-sabotage.js')).sabotagedEvaluate(await importOriginal()),
);
vi.mock('../../src/workflow/trial/state.js', async (importOriginal) =>
  (await import('./helpers/trial-sabotage.js')).sabotagedState(await importOriginal()),
);

const STORE = 'cks-1234567890abcdef0';
const XKS_STORE = 'cks-11111111111111111';
const DAY = 86_400_000;

async function script(kind: 'failing' | 'running' | 'in-use') {
  const sb = new InProcessSandbox({ seed: 20 });
  const ports = inProcessPorts(() => sb);
  const home = mkdtempSync(join(tmpdir(), 'kscli-trial-inv-'));
  const runs: Run[] = [];
  const kscli = async (argv: string[]) => {
    sb.run = runs.length + 1;
    runs.push({ n: sb.run, argv });
    return runKscli(sb, ports, home, [...argv, '--output', 'json', '--yes']);
  };
  if (kind === 'in-use') {
    // a trial over the demo store, whose alias/payments-legacy the app role decrypts with: refused
    const r = await kscli(['disable-keys', STORE, '--trial-days', '14']);
    return { sb, runs, code: r.code };
  }
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
  return { sb, runs, code: 0 };
}

describe('trial invariants T1-T4', () => {
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
    // the key in use stops the trial before any change: exit 3, nothing disabled
    const { sb, runs, code } = await script('in-use');
    expect(code).toBe(3);
    expect(violations(sb, runs)).toEqual([]);
    expect(sb.requests.filter((r) => r.operation === 'DisableKey')).toHaveLength(0);
  }, 120_000);

  it.each([
    ['t1', 'running', 'T1'],
    ['t3', 'failing', 'T3'],
    ['t2', 'failing', 'T2'],
    ['t4', 'in-use', 'T4'],
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
