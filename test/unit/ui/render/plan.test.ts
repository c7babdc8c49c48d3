/**
 * The plan renderer (src/ui/render/plan.ts) and the mutating-command outcome renderer
 * (src/ui/render/plan-outcome.ts) on their own: every target gets a line, the JSON form of an item
 * before and after the apply, what blocks and the flag that overrides it, and how a run ends.
 */
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../../../../src/aws/ports.js';
import { AwsCallError, ExitCode } from '../../../../src/errors.js';
import { memoryIO } from '../../../../src/ui/io.js';
import { blockedSummary, planItemJson, renderPlanTable, renderResultsTable } from '../../../../src/ui/render/plan.js';
import { planDocumentJson, renderPlanOutcome } from '../../../../src/ui/render/plan-outcome.js';
import { createStyle } from '../../../../src/ui/style.js';
import type { PlanItem } from '../../../../src/workflow/plan.js';
import { describeError, type ItemResult } from '../../../../src/workflow/plan-runner/apply-items.js';
import type { PlanOutcome } from '../../../../src/workflow/plan-runner/types.js';

const plain = createStyle(false);

const apply: PlanItem = {
  target: '1234abcd-0000-0000-0000-000000000001',
  targetKind: 'key',
  action: 'ScheduleKeyDeletion',
  status: 'apply',
  reason: 'schedule deletion in 30 days',
  checks: [{ name: 'key-in-store', ok: true }],
  details: { state: 'Enabled', aliases: ['alias/a', 'alias/b'], params: { KeyId: 'x', PendingWindowInDays: 30 } },
};
const skip: PlanItem = {
  target: 'k-skip',
  targetKind: 'key',
  action: 'ScheduleKeyDeletion',
  status: 'skip',
  reason: 'already PendingDeletion',
  checks: [],
};
const blocked: PlanItem = {
  target: 'k-blocked',
  targetKind: 'key',
  action: 'ScheduleKeyDeletion',
  status: 'blocked',
  reason: 'in use (Decrypt 2026-11-01)',
  checks: [
    { name: 'usage-verdict', ok: false, overrideFlag: '--allow-in-use' },
    { name: 'alarm-in-place', ok: false, overrideFlag: '--no-alarm', overridden: true },
  ],
};

describe('renderPlanTable', () => {
  it('one line per target: status, target, action, state and aliases, reason', () => {
    const lines = renderPlanTable([apply, skip, blocked], plain).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+TARGET\s+ACTION\s+STATE\s+REASON$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^apply\s+1234abcd-0000-0000-0000-000000000001\s+ScheduleKeyDeletion\s+Enabled alias\/a,alias\/b\s+schedule deletion in 30 days$/,
    );
    expect(lines[2]).toMatch(/^skip\s+k-skip\s+ScheduleKeyDeletion\s+already PendingDeletion$/);
    expect(lines[3]).toMatch(/^BLOCKED\s+k-blocked/);
  });
  it('an empty plan says so', () => {
    expect(renderPlanTable([], plain)).toBe('nothing to plan\n');
  });
});

describe('planItemJson', () => {
  it('before the apply: the item without the call parameters', () => {
    expect(planItemJson(apply)).toEqual({
      target: apply.target,
      targetKind: 'key',
      action: 'ScheduleKeyDeletion',
      status: 'apply',
      reason: 'schedule deletion in 30 days',
      checks: [{ name: 'key-in-store', ok: true }],
      details: { state: 'Enabled', aliases: ['alias/a', 'alias/b'] },
    });
    expect(planItemJson(skip)).not.toHaveProperty('details');
  });
  it('after the apply: the result, its note (not twice), the facts of the call and the error', () => {
    const done: ItemResult = {
      item: apply,
      outcome: 'done',
      note: 'changed since the plan: x',
      result: { deletionDate: new Date('2026-12-23T12:00:00.000Z'), note: 'said' },
    };
    expect(planItemJson(apply, done, describeError)).toMatchObject({
      result: 'done',
      note: 'changed since the plan: x',
      details: { state: 'Enabled', aliases: ['alias/a', 'alias/b'], deletionDate: '2026-12-23T12:00:00.000Z' },
    });
    expect(planItemJson(apply, done, describeError).details).not.toHaveProperty('note');
    const failed: ItemResult = {
      item: apply,
      outcome: 'failed',
      error: new AwsCallError('ScheduleKeyDeletion', 'AccessDeniedException', 'no'),
    };
    expect(planItemJson(apply, failed, describeError)).toMatchObject({
      result: 'failed',
      error: 'AccessDeniedException: no',
    });
  });
});

describe('renderResultsTable', () => {
  it('shows what was done, with the deletion date or the error; skips planned as skip without a note are left out', () => {
    const results: ItemResult[] = [
      { item: apply, outcome: 'done', result: { deletionDate: '2026-12-23T12:00:00.000Z' } },
      { item: skip, outcome: 'skipped' },
      {
        item: { ...apply, target: 'k-failed' },
        outcome: 'failed',
        error: new AwsCallError('ScheduleKeyDeletion', 'KMSInternalException', 'boom'),
      },
      { item: { ...apply, target: 'k-next' }, outcome: 'not-run' },
    ];
    const lines = renderResultsTable(results, plain, describeError).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RESULT\s+TARGET\s+ACTION\s+DETAIL$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['done', 'failed', 'not-run']);
    expect(lines[1]).toMatch(/deletion 2026-12-23T12:00:00.000Z$/);
    expect(lines[2]).toMatch(/KMSInternalException: boom$/);
  });
  it('nothing to show: nothing printed', () => {
    expect(renderResultsTable([{ item: skip, outcome: 'skipped' }], plain, describeError)).toBe('');
  });
});

describe('blockedSummary', () => {
  it('one line per blocked item, naming the flags that override its failed checks (not the overridden ones)', () => {
    expect(blockedSummary([apply, skip, blocked])).toEqual([
      'k-blocked: in use (Decrypt 2026-11-01) [override: --allow-in-use]',
    ]);
  });
  it('a flag the reason already names is not repeated', () => {
    expect(blockedSummary([{ ...blocked, reason: 'in use; pass --allow-in-use to schedule it anyway' }])).toEqual([
      'k-blocked: in use; pass --allow-in-use to schedule it anyway',
    ]);
  });
});

describe('renderPlanOutcome', () => {
  const store: StoreInfo = {
    id: 'cks-1234567890abcdef0',
    name: 'prod',
    type: 'AWS_CLOUDHSM',
    connectionState: 'CONNECTED',
    creationDate: new Date('2024-01-01'),
  };
  const outcome = (over: Partial<PlanOutcome>): PlanOutcome => ({
    command: 'schedule-deletion',
    subject: {
      kind: 'store',
      id: store.id,
      account: '111122223333',
      region: 'eu-west-1',
      label: 'prod, AWS_CLOUDHSM, CONNECTED',
      store,
      keys: [],
    },
    account: '111122223333',
    region: 'eu-west-1',
    planned: {
      warnings: ['w1'],
      overrides: ['--no-alarm'],
      executables: [
        { item: apply, apply: async () => ({}) },
        { item: blocked, apply: async () => ({}) },
      ],
    },
    finish: { outcome: 'blocked', exitCode: ExitCode.Blocked },
    narrowable: true,
    ...over,
  });
  const render = (o: PlanOutcome, output: 'table' | 'json') => {
    const io = memoryIO();
    renderPlanOutcome({ io, globals: { output } as never, style: plain }, o);
    return { out: io.stdout(), err: io.stderr() };
  };

  it('a blocked plan: what blocks on stderr (narrowable: --key / --exclude-key), "blocked" last on stdout', () => {
    const r = render(outcome({}), 'table');
    expect(r.err).toBe(
      'blocked: narrow the plan with --key / --exclude-key, or override a check with its flag:\n  k-blocked: in use (Decrypt 2026-11-01) [override: --allow-in-use]\n',
    );
    expect(r.out).toBe('blocked: nothing was changed\n');
    expect(render(outcome({ narrowable: false }), 'table').err).toMatch(
      /^blocked: fix the cause, or override a check with its flag:\n/,
    );
  });

  it("the JSON document: the plan items, the outcome, the warnings and overrides, then the command's fields", () => {
    const o = outcome({
      finish: {
        outcome: 'dry-run',
        exitCode: 0,
        nextRunAfter: new Date('2027-01-01T00:00:00.000Z'),
        extra: { phase: 'schedule-keys' },
      },
    });
    const doc = JSON.parse(render(o, 'json').out);
    expect(Object.keys(doc)).toEqual([
      'schemaVersion',
      'command',
      'storeId',
      'account',
      'region',
      'plan',
      'outcome',
      'nextRunAfter',
      'warnings',
      'overrides',
      'phase',
    ]);
    expect(doc).toMatchObject({
      schemaVersion: 1,
      command: 'schedule-deletion',
      storeId: store.id,
      outcome: 'dry-run',
      nextRunAfter: '2027-01-01T00:00:00.000Z',
      warnings: ['w1'],
      overrides: ['--no-alarm'],
    });
    expect(doc.plan.map((p: { target: string }) => p.target)).toEqual([apply.target, 'k-blocked']);
    expect(planDocumentJson(o)).toEqual((({ schemaVersion: _s, ...rest }) => rest)(doc));
  });

  it("a command's typed data adds JSON fields and table lines through its extras", () => {
    const o = {
      ...outcome({}),
      finish: { outcome: 'done' as const, exitCode: 0, lines: ['store deleted'], data: { n: 2 } },
    };
    const io = memoryIO();
    renderPlanOutcome({ io, globals: { output: 'table' } as never, style: plain }, o, {
      lines: (d) => [`${d.n} reports`],
      json: (d) => ({ phase: `phase-${d.n}` }),
    });
    expect(io.stdout()).toBe('store deleted\n2 reports\ndone\n');
    // the fields a command may add are the schema's (src/schemas/plan.ts PlanExtras)
    expect(planDocumentJson(o, { json: (d) => ({ phase: `phase-${d.n}` }) })).toMatchObject({
      outcome: 'done',
      phase: 'phase-2',
    });
  });

  it('after an apply stopped by a re-check: the reason on stderr and "blocked on re-check" last', () => {
    const report = {
      results: [
        { item: apply, outcome: 'done' as const },
        { item: blocked, outcome: 'blocked' as const },
      ],
      interrupted: false,
      blockedOnRecheck: blocked,
    };
    const r = render(outcome({ report }), 'table');
    expect(r.err).toBe(
      'stopped: k-blocked: in use (Decrypt 2026-11-01) (the world changed since the plan; what is done stays done)\n',
    );
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('blocked on re-check: stopped before the next change');
  });

  it('after an interrupt: how to continue on stderr, "interrupted" last', () => {
    const report = { results: [{ item: apply, outcome: 'done' as const }], interrupted: true };
    const r = render(outcome({ report, finish: { outcome: 'interrupted', exitCode: ExitCode.Interrupted } }), 'table');
    expect(r.err).toBe('interrupted: the journal records what was done; run the same command again to continue\n');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('interrupted');
  });
});
