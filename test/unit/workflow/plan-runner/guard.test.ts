/**
 * The plan runner's guard and confirmation steps on their own (src/workflow/plan-runner/guard.ts):
 * a blocked plan stops before anything else, a plan-only run (--dry-run) stops after the plan,
 * nothing to do stops, and only mutating items need the typed confirmation.
 */
import { describe, expect, it } from 'vitest';
import { ExitCode, KscliError } from '../../../../src/errors.js';
import { memoryIO } from '../../../../src/ui/io.js';
import type { PlanItem } from '../../../../src/workflow/plan.js';
import { confirmPlan, guardPlan } from '../../../../src/workflow/plan-runner/guard.js';
import type { PreparedPlan } from '../../../../src/workflow/plan-runner/types.js';
import { ScriptedPrompter } from '../../fakes/prompter.js';

const item = (target: string, status: PlanItem['status'], action = 'ScheduleKeyDeletion'): PlanItem => ({
  target,
  targetKind: 'key',
  action,
  status,
  reason: status,
  checks: [],
});

function prepared(items: PlanItem[]): PreparedPlan {
  return {
    command: 'schedule-deletion',
    identity: { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/op', userId: 'u' },
    subject: {
      kind: 'store',
      id: 'cks-1234567890abcdef0',
      account: '111122223333',
      region: 'eu-west-1',
      label: 'prod, AWS_CLOUDHSM, CONNECTED',
      store: {
        id: 'cks-1234567890abcdef0',
        name: 'prod',
        type: 'AWS_CLOUDHSM',
        connectionState: 'CONNECTED',
        creationDate: new Date('2024-01-01'),
      },
      keys: [],
    },
    promptName: '(prod)',
    facts: { keys: [] },
    planned: { warnings: [], overrides: [], executables: items.map((i) => ({ item: i, apply: async () => ({}) })) },
    items,
    narrowable: true,
    interrupt: { requested: false },
  } as unknown as PreparedPlan;
}

describe('guardPlan', () => {
  it('any blocked item stops the run (exit 3), even on a dry run', () => {
    const p = prepared([item('a', 'apply'), item('b', 'blocked')]);
    expect(guardPlan(p, {}, { planOnly: false })).toEqual({ stop: { outcome: 'blocked', exitCode: ExitCode.Blocked } });
    expect(guardPlan(p, {}, { planOnly: true })).toEqual({ stop: { outcome: 'blocked', exitCode: ExitCode.Blocked } });
  });

  it('plan only: stops after the plan (exit 0), with the next run date the command knows', () => {
    const next = new Date('2027-01-01T00:00:00.000Z');
    const p = prepared([item('a', 'apply')]);
    expect(
      guardPlan(
        p,
        { idle: () => ({ outcome: 'pending', exitCode: ExitCode.Pending, nextRunAfter: next }) },
        { planOnly: true },
      ),
    ).toEqual({
      stop: { outcome: 'dry-run', exitCode: ExitCode.Ok, nextRunAfter: next },
    });
  });

  it("nothing to apply: the command's idle answer, else nothing-to-do (exit 0)", () => {
    const p = prepared([item('a', 'skip')]);
    expect(guardPlan(p, {}, { planOnly: false })).toEqual({
      stop: { outcome: 'nothing-to-do', exitCode: ExitCode.Ok },
    });
    expect(
      guardPlan(p, { idle: () => ({ outcome: 'pending', exitCode: ExitCode.Pending }) }, { planOnly: false }),
    ).toEqual({ stop: { outcome: 'pending', exitCode: ExitCode.Pending } });
  });

  it('otherwise: the items to apply, and which of them change AWS', () => {
    const check = item('alarm', 'apply', 'CheckAlarm');
    const sched = item('a', 'apply');
    expect(guardPlan(prepared([check, sched, item('b', 'skip')]), {}, { planOnly: false })).toEqual({
      apply: [check, sched],
      mutating: [sched],
    });
  });
});

describe('confirmPlan', () => {
  const deps = (canPrompt: boolean, prompter = new ScriptedPrompter()) => ({
    io: memoryIO({ canPrompt }),
    prompter,
    region: 'eu-west-1',
  });

  it('no mutating item, or --yes: no question asked', async () => {
    const d = deps(false);
    expect(await confirmPlan(d, prepared([]), [], { yes: false })).toEqual({ confirmed: true });
    expect(await confirmPlan(d, prepared([]), [item('a', 'apply')], { yes: true })).toEqual({ confirmed: true });
    expect(d.prompter.asked).toEqual([]);
  });

  it('no terminal and no --yes: bad input (exit 2) naming --yes', async () => {
    await expect(confirmPlan(deps(false), prepared([]), [item('a', 'apply')], { yes: false })).rejects.toMatchObject({
      exitCode: ExitCode.BadInput,
      message: expect.stringMatching(/--yes/),
    });
  });

  it('the operator types the store ID: confirmed; anything else or Ctrl-C: cancelled (exit 5)', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const ok = {
      ...deps(true, new ScriptedPrompter([{ type: 'cks-1234567890abcdef0' }])),
      clock: { now: () => now, sleep: async () => {} },
    };
    const changes = [item('a', 'apply'), item('b', 'apply')];
    expect(await confirmPlan(ok, prepared([]), changes, { yes: false })).toEqual({ confirmed: true });
    // the changes go with the question: the prompt shows what is at stake above the typed store ID
    expect(ok.prompter.asked[0]).toEqual({
      expected: 'cks-1234567890abcdef0',
      message:
        'schedule-deletion will make 2 change(s) to store cks-1234567890abcdef0 (prod) in account 111122223333, region eu-west-1:',
      changes,
      now,
    });
    for (const answer of [{ type: 'cks-0000000000000000' }, { ctrlC: true as const }]) {
      const c = await confirmPlan(deps(true, new ScriptedPrompter([answer])), prepared([]), [item('a', 'apply')], {
        yes: false,
      });
      expect(c.confirmed).toBe(false);
      expect(!c.confirmed && c.error).toBeInstanceOf(KscliError);
      expect(!c.confirmed && (c.error as KscliError).exitCode).toBe(ExitCode.Cancelled);
    }
  });
});
