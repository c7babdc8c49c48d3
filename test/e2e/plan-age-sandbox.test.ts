/**
 * Plan age by the sandbox clock (issue 23): against the sandbox, `--plan-out` dates the plan and
 * `apply --max-age` judges it by the sandbox's clock, which `sandbox advance` moves, so "the plan
 * waited over a long weekend" can be rehearsed. (Against AWS both are this machine's clock.)
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, expectNoMutatingRequests, startE2E, type E2E } from './helpers/index.js';

const DAY = 86_400_000;
let t: E2E;
beforeAll(async () => {
  t = await startE2E('plan-age');
});
afterAll(async () => {
  await t?.stop();
});

let file: string;
describe('plan age by the sandbox clock', () => {
  it('--plan-out dates the plan by the sandbox clock, not this machine', async () => {
    await t.sandbox.advanceDays(10);
    file = t.ws.path('plan.json');
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--key',
      DEMO.keys.unusedA,
      '--no-alarm',
      '--allow-data-loss',
      '--plan-out',
      file,
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const createdAt = Date.parse(JSON.parse(readFileSync(file, 'utf8')).createdAt);
    // the sandbox is 10 days ahead of this machine
    expect(createdAt - Date.now()).toBeGreaterThan(9.9 * DAY);
  });

  it('after `sandbox advance --days 4` apply refuses the plan as older than --max-age 72h, changing nothing', async () => {
    await t.sandbox.advanceDays(4);
    const mark = t.sandbox.mark();
    const r = await t.kscli(['apply', file, '--yes']);
    expectExit(r, 3);
    expect(r.stderr).toMatch(/the plan is 4d 0h old .* older than --max-age 3d 0h/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('--max-age 5d admits it (the age is the sandbox clock, not the wall clock)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['apply', file, '--yes', '--max-age', '5d', '--output', 'json']);
    expect(r.stderr).not.toMatch(/older than --max-age/);
    expectExit(r, 0);
    const scheduled = t.sandbox.requestsSince(mark).filter((q) => q.operation === 'ScheduleKeyDeletion');
    expect(scheduled.map((q) => q.params?.KeyId)).toEqual([DEMO.keys.unusedA]);
  });
});
