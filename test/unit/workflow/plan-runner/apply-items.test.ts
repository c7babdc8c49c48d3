/**
 * The apply engine on its own (src/workflow/plan-runner/apply-items.ts): for each item still to
 * apply, re-check, journal the intent BEFORE the call, call, journal the outcome; the first error or
 * a re-check that now blocks stops the run; an interrupt stops before the next item.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsCallError, ExitCode, KscliError } from '../../../../src/errors.js';
import { Journal, type CallEntry } from '../../../../src/workflow/journal.js';
import type { Executable, PlanItem } from '../../../../src/workflow/plan.js';
import { applyPlan, describeError, jsonSafe } from '../../../../src/workflow/plan-runner/apply-items.js';

function journal(): Journal {
  const dir = mkdtempSync(join(tmpdir(), 'kscli-apply-'));
  const j = new Journal(
    join(dir, 'j.jsonl'),
    { account: '111122223333', region: 'eu-west-1', callerArn: 'arn:aws:iam::111122223333:user/op', command: 'test' },
    () => new Date('2026-11-23T12:00:00.000Z'),
    false,
  );
  j.ensureWritable();
  return j;
}

const calls = (j: Journal) => j.entries() as CallEntry[];

function item(target: string, over: Partial<PlanItem> = {}): PlanItem {
  return {
    target,
    targetKind: 'key',
    action: 'ScheduleKeyDeletion',
    status: 'apply',
    reason: 'schedule deletion',
    checks: [],
    details: { params: { PendingWindowInDays: 7 } },
    ...over,
  };
}

/** An executable that records its calls in `log`. */
function exec(
  target: string,
  log: string[],
  opts: {
    item?: Partial<PlanItem>;
    recheck?: () => Promise<PlanItem>;
    apply?: () => Promise<Record<string, unknown>>;
  } = {},
): Executable {
  return {
    item: item(target, opts.item),
    ...(opts.recheck ? { recheck: async () => (log.push(`recheck ${target}`), opts.recheck!()) } : {}),
    apply: async () => {
      log.push(`apply ${target}`);
      return opts.apply ? opts.apply() : { deletionDate: new Date('2026-11-30T12:00:00.000Z') };
    },
  };
}

const run = (executables: Executable[], j = journal(), interrupted = () => false) => {
  const said: string[] = [];
  return applyPlan(executables, {
    journal: j,
    overrides: ['--allow-in-use'],
    interrupted,
    say: (l) => said.push(l),
  }).then((report) => ({ report, said, j }));
};

describe('applyPlan', () => {
  it('applies each apply item in order, journaling intent before the call and the outcome after, with the overrides', async () => {
    const log: string[] = [];
    const j = journal();
    let linesAtCall = -1;
    const first = exec('k1', log, {
      apply: async () => {
        linesAtCall = calls(j).length;
        return { deletionDate: new Date('2026-11-30T12:00:00.000Z') };
      },
    });
    const { report } = await run([first, exec('k2', log)], j);
    expect(log).toEqual(['apply k1', 'apply k2']);
    // the intent line is on disk when the call happens
    expect(linesAtCall).toBe(1);
    expect(calls(j).map((c) => [c.target, c.phase, c.outcome ?? null])).toEqual([
      ['k1', 'intent', null],
      ['k1', 'outcome', 'ok'],
      ['k2', 'intent', null],
      ['k2', 'outcome', 'ok'],
    ]);
    expect(calls(j)[0]).toMatchObject({
      operation: 'ScheduleKeyDeletion',
      params: { PendingWindowInDays: 7 },
      overrides: ['--allow-in-use'],
    });
    // dates in the journal are ISO strings
    expect(calls(j)[1]!.result).toEqual({ deletionDate: '2026-11-30T12:00:00.000Z' });
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(report).toMatchObject({ interrupted: false });
    expect(report.error).toBeUndefined();
  });

  it('items planned as skip or blocked are reported as such, never called nor journaled', async () => {
    const log: string[] = [];
    const { report, j } = await run([
      exec('k1', log, { item: { status: 'skip', reason: 'already PendingDeletion' } }),
      exec('k2', log, { item: { status: 'blocked', reason: 'in use' } }),
    ]);
    expect(log).toEqual([]);
    expect(calls(j)).toEqual([]);
    expect(report.results.map((r) => r.outcome)).toEqual(['skipped', 'blocked']);
  });

  it('a re-check that finds the target already done skips it, says so, and journals the skip', async () => {
    const log: string[] = [];
    const { report, said, j } = await run([
      exec('k1', log, {
        recheck: async () => item('k1', { status: 'skip', reason: 'already PendingDeletion (someone else)' }),
      }),
      exec('k2', log),
    ]);
    expect(log).toEqual(['recheck k1', 'apply k2']);
    expect(report.results[0]).toMatchObject({
      outcome: 'skipped',
      note: 'changed since the plan: already PendingDeletion (someone else)',
    });
    expect(said).toEqual(['k1: changed since the plan: already PendingDeletion (someone else)']);
    expect(calls(j)[0]).toMatchObject({
      target: 'k1',
      phase: 'outcome',
      outcome: 'skipped',
      result: { reason: 'already PendingDeletion (someone else)' },
    });
  });

  it('a re-check that now blocks stops the run before it: nothing after it is called', async () => {
    const log: string[] = [];
    const blocked = item('k2', { status: 'blocked', reason: 'now Enabled and in use' });
    const { report, j } = await run([
      exec('k1', log),
      exec('k2', log, { recheck: async () => blocked }),
      exec('k3', log),
    ]);
    expect(log).toEqual(['apply k1', 'recheck k2']);
    expect(report.blockedOnRecheck).toEqual(blocked);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'blocked', 'not-run']);
    expect(calls(j).map((c) => c.target)).toEqual(['k1', 'k1']);
  });

  it("a re-check that fails is the run's error: nothing is called after it", async () => {
    const log: string[] = [];
    const boom = new AwsCallError('DescribeKey', 'KMSInternalException', 'try later');
    const { report, j } = await run([exec('k1', log, { recheck: async () => Promise.reject(boom) }), exec('k2', log)]);
    expect(log).toEqual(['recheck k1']);
    expect(report.error).toBe(boom);
    expect(report.results[0]).toMatchObject({
      outcome: 'failed',
      note: 're-check failed: KMSInternalException: try later',
    });
    expect(report.results[1]!.outcome).toBe('not-run');
    expect(calls(j)).toEqual([]);
  });

  it('a failed call is journaled as an error and stops the run', async () => {
    const log: string[] = [];
    const boom = new AwsCallError('ScheduleKeyDeletion', 'AccessDeniedException', 'not allowed');
    const { report, j } = await run([exec('k1', log, { apply: async () => Promise.reject(boom) }), exec('k2', log)]);
    expect(log).toEqual(['apply k1']);
    expect(report.error).toBe(boom);
    expect(report.results.map((r) => r.outcome)).toEqual(['failed', 'not-run']);
    expect(calls(j).map((c) => [c.phase, c.outcome ?? null, c.error ?? null])).toEqual([
      ['intent', null, null],
      ['outcome', 'error', 'AccessDeniedException: not allowed'],
    ]);
  });

  it('an interrupt stops before the next item; the call in flight finishes and is journaled', async () => {
    const log: string[] = [];
    let stop = false;
    const first = exec('k1', log, {
      apply: async () => {
        stop = true; // Ctrl-C while this call is in flight
        return {};
      },
    });
    const { report, j } = await run([first, exec('k2', log), exec('k3', log)], journal(), () => stop);
    expect(log).toEqual(['apply k1']);
    expect(report.interrupted).toBe(true);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'not-run', 'not-run']);
    expect(calls(j).map((c) => `${c.target} ${c.phase}`)).toEqual(['k1 intent', 'k1 outcome']);
  });

  it('an interrupt during the last call ends the run as done: nothing was left undone', async () => {
    let stop = false;
    const { report } = await run([exec('k1', [], { apply: async () => ((stop = true), {}) })], journal(), () => stop);
    expect(report.interrupted).toBe(false);
    expect(report.results[0]!.outcome).toBe('done');
  });

  it("a note in the call's result is said and kept with the item", async () => {
    const { report, said } = await run([
      exec('k1', [], { apply: async () => ({ note: 'already PendingDeletion: counted as done' }) }),
    ]);
    expect(said).toEqual(['k1: already PendingDeletion: counted as done']);
    expect(report.results[0]).toMatchObject({ outcome: 'done', note: 'already PendingDeletion: counted as done' });
  });
});

describe('describeError and jsonSafe', () => {
  it('names the AWS code, a kscli message as is, anything else by its message', () => {
    expect(describeError(new AwsCallError('X', 'Code', 'msg'))).toBe('Code: msg');
    expect(describeError(new KscliError(ExitCode.Blocked, 'blocked because'))).toBe('blocked because');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('text')).toBe('text');
  });
  it('dates become ISO strings, nothing else changes', () => {
    expect(jsonSafe({ d: new Date('2026-01-02T03:04:05.000Z'), n: 1, s: 'x', a: [1] })).toEqual({
      d: '2026-01-02T03:04:05.000Z',
      n: 1,
      s: 'x',
      a: [1],
    });
  });
});
