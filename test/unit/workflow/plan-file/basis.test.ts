import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeAccount } from '../../fakes/fake-aws.js';
import { restrictToPlan, staleness, planFileFrom, storeObserver } from '../../../../src/workflow/plan-file/index.js';
import { storeLabel, type PreparedPlan } from '../../../../src/workflow/plan-runner/index.js';
import type { Executable } from '../../../../src/workflow/plan.js';
import { Journal } from '../../../../src/workflow/journal.js';
import { plan, KEY_A, KEY_B } from './fixtures.js';

const ex = (target: string, status: 'apply' | 'skip' | 'blocked' = 'apply'): Executable => ({
  item: { target, targetKind: 'key', action: 'ScheduleKeyDeletion', status, reason: 'schedule', checks: [] },
  apply: async () => ({ applied: target }),
});

describe('restrictToPlan: only the saved plan apply items can be acted on', () => {
  it('keeps the listed items, turns any other apply item into a skip that says why', async () => {
    const out = restrictToPlan(
      [ex(KEY_A), ex(KEY_B), ex('ffffffff-0000-4000-8000-000000000001'), ex('x', 'skip')],
      plan(),
    );
    expect(out.map((e) => e.item.status)).toEqual(['apply', 'apply', 'skip', 'skip']);
    expect(out[2]!.item.reason).toMatch(/^not in the saved plan sha256:[0-9a-f]{12}…: not acted on$/);
    expect(await out[2]!.apply()).toEqual({});
    expect(await out[0]!.apply()).toEqual({ applied: KEY_A });
  });
  it('the same target with another action is not the same item', () => {
    const other: Executable = { item: { ...ex(KEY_A).item, action: 'DisableKey' }, apply: async () => ({}) };
    expect(restrictToPlan([other], plan())[0]!.item.status).toBe('skip');
  });
});

describe('staleness against a plan prepared now', () => {
  const journal = () =>
    new Journal(
      join(mkdtempSync(join(tmpdir(), 'kscli-j-')), 'j.jsonl'),
      { account: '111122223333', region: 'us-east-1', callerArn: 'arn:x', command: 'cancel-deletion' },
      () => new Date(0),
      false,
    );
  /** A store plan as the runner prepares it (store-subject.ts), with no lines. */
  function prepared(a: FakeAccount, over: Partial<PreparedPlan> = {}): PreparedPlan {
    const store = [...(a as any).stores.values()][0];
    const where = { account: a.identity.account, region: a.region };
    return {
      command: 'cancel-deletion',
      identity: a.identity,
      subject: { kind: 'store', id: store.id, ...where, label: storeLabel(store), store, keys: [] },
      facts: { store, keys: [] },
      journal: journal(),
      ctx: { aws: a.ports(), clock: a.clock, region: a.region, say: () => {}, interrupted: () => false },
      planned: { warnings: [], overrides: [], executables: [] },
      items: [],
      narrowable: false,
      interrupt: { requested: false },
      observer: storeObserver as PreparedPlan['observer'],
      ...over,
    };
  }
  const depsOf = (a: FakeAccount) => ({ aws: a.ports(), recordedVerdicts: () => [] });
  const inputs = (a: FakeAccount) => ({
    command: 'cancel-deletion',
    options: {},
    commandLine: 'kscli cancel-deletion',
    kscliVersion: '0',
    now: a.clock.now(),
  });

  it('a plan for another subject is refused outright', async () => {
    const a = new FakeAccount();
    a.addStore();
    const saved = await planFileFrom(depsOf(a), prepared(a), inputs(a));
    expect(saved.subject).toMatchObject({ kind: 'store', id: saved.storeId, account: a.identity.account });
    const b = new FakeAccount();
    b.addStore({ id: 'cks-99999999999999999' } as any);
    expect(await staleness(depsOf(b), saved, prepared(b))).toEqual([
      `the plan is for store ${saved.storeId}, not store cks-99999999999999999`,
    ]);
  });
  it('an unchanged subject: no difference', async () => {
    const a = new FakeAccount();
    a.addStore();
    const saved = await planFileFrom(depsOf(a), prepared(a), inputs(a));
    expect(await staleness(depsOf(a), saved, prepared(a))).toEqual([]);
  });
  it('a subject whose observations are not modelled cannot be saved (exit 2, nothing read)', async () => {
    const a = new FakeAccount();
    a.addStore();
    const p = prepared(a, {
      subject: { kind: 'account', id: a.identity.account, account: a.identity.account, region: a.region, label: '' },
      observer: undefined,
    });
    await expect(planFileFrom(depsOf(a), p, inputs(a))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/what a plan about account \d+ rests on is not modelled/),
    });
  });
});

describe('the journal of an apply carries the plan digest on every line', () => {
  it('call lines and key-seen lines alike, once bound', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kscli-j-')), 'j.jsonl');
    const j = new Journal(
      path,
      { account: '111122223333', region: 'us-east-1', callerArn: 'arn:x', command: 'apply' },
      () => new Date(0),
      false,
    );
    j.call({ operation: 'Before', target: 't', params: {}, phase: 'intent' });
    j.bindPlan('sha256:abc');
    j.call({ operation: 'ScheduleKeyDeletion', target: 't', params: {}, phase: 'intent' });
    j.recordKeysSeen([{ keyId: 'k', arn: 'a', creationDate: new Date(0) } as any]);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.planDigest)).toEqual([undefined, 'sha256:abc', 'sha256:abc']);
  });
});

describe('restsOnAlarm', () => {
  const line = (status: 'apply' | 'skip' | 'blocked', reason: string, checks: any[] = []) => ({
    target: 'a',
    targetKind: 'alarm' as const,
    action: 'CheckAlarm',
    status,
    reason,
    checks,
  });
  it('an alarm line rests on the alarm, whatever its status, unless --no-alarm waived it', async () => {
    const { restsOnAlarm } = await import('../../../../src/workflow/plan-file/observations.js');
    expect(restsOnAlarm([line('skip', 'already in place')])).toBe(true);
    expect(restsOnAlarm([line('blocked', 'no alarm: create it with kscli alarm, or pass --no-alarm')])).toBe(true);
    expect(
      restsOnAlarm([
        line('skip', 'not required (--no-alarm)', [
          { name: 'alarm-in-place', ok: false, overrideFlag: '--no-alarm', overridden: true },
        ]),
      ]),
    ).toBe(false);
    expect(restsOnAlarm([line('skip', 'not created (--no-alarm)')])).toBe(false);
    expect(restsOnAlarm([])).toBe(false);
  });
});
