/**
 * The sandbox's callers (issue 20): the demo's application role keeps decrypting with
 * alias/payments-legacy's key every 3-4 days on the sandbox clock; while the key is disabled each
 * call is a CloudTrail record with errorCode DisabledException (and in the trail's log group), and
 * kscli's own disabled-key-use filter pattern matches exactly those records. Seeded: the same moves
 * give the same events.
 */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_KEYS } from '../../../../src/sandbox/model/index.js';
import { compileFilterPattern } from '../../../../src/sandbox/model/logs/filter-pattern.js';
import { DISABLED_FILTER_PATTERN } from '../../../../src/workflow/trial/alarm.js';
import { FILTER_PATTERN } from '../../../../src/workflow/evidence/alarm-spec.js';
import { kms } from './helpers.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

function demo() {
  return createModel(scenario('demo', { now: NOW, seed: 3 }), { now: NOW, wallClock: () => 0, idSeed: 3 });
}

type Ev = {
  eventName: string;
  errorCode?: string;
  errorMessage?: string;
  userIdentity: { arn: string };
  eventTime: string;
};
const appCalls = (m: ReturnType<typeof demo>): Ev[] =>
  m.acc.state.events
    .map((e) => JSON.parse(e.json) as Ev)
    .filter((e) => e.eventName === 'Decrypt' && e.userIdentity.arn.includes('assumed-role/app-backend/'));

describe('sandbox callers', () => {
  it('the demo role decrypts every 3 to 4 days, successfully while the key is Enabled', () => {
    const m = demo();
    expect(appCalls(m)).toHaveLength(1); // the scenario's call three days ago
    m.advance(10 * DAY);
    const calls = appCalls(m);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => c.errorCode === undefined)).toBe(true);
    const times = calls.map((c) => Date.parse(c.eventTime));
    for (let i = 2; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(3 * DAY - 1000);
      expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(4 * DAY);
    }
    // GetKeyLastUsage follows the newest successful call
    expect(Math.floor(m.acc.keyById.get(DEMO_KEYS.used)!.lastUsage!.t / 1000) * 1000).toBe(times.at(-1));
  });

  it('fails with DisabledException while the key is disabled, and kscli’s disabled-use pattern matches only those', () => {
    const m = demo();
    kms(m, 'DisableKey', { KeyId: DEMO_KEYS.used });
    m.advance(8 * DAY);
    const failed = appCalls(m).filter((c) => c.errorCode);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const f of failed) {
      expect(f.errorCode).toBe('DisabledException');
      expect(f.errorMessage).toMatch(/ is disabled\.$/);
    }
    const disabledUse = compileFilterPattern(DISABLED_FILTER_PATTERN);
    const pendingUse = compileFilterPattern(FILTER_PATTERN);
    const all = m.acc.state.events.map((e) => [JSON.parse(e.json) as Ev, e.json] as const);
    const matched = all.filter(([e, raw]) => disabledUse(e, raw)).map(([e]) => e);
    expect(matched).toEqual(failed);
    // AWS's documented pending-deletion pattern does not see them: hence kscli's own
    expect(failed.some((f) => pendingUse(f, JSON.stringify(f)))).toBe(false);
    // and the records reached the trail's log group, where the metric filter runs
    const lg = m.acc.state.logGroups[0]!;
    expect(JSON.stringify(lg).includes('DisabledException')).toBe(true);
  });

  it('is seeded: the same state and the same clock moves give the same events', () => {
    const a = demo();
    const b = demo();
    a.advance(20 * DAY);
    b.advance(20 * DAY);
    expect(appCalls(a).map((e) => e.eventTime)).toEqual(appCalls(b).map((e) => e.eventTime));
  });

  it('stops calling a key once it is deleted', () => {
    const m = demo();
    kms(m, 'ScheduleKeyDeletion', { KeyId: DEMO_KEYS.used, PendingWindowInDays: 7 });
    m.advance(40 * DAY);
    const after = appCalls(m).filter((c) => Date.parse(c.eventTime) > NOW.getTime() + 9 * DAY);
    expect(after).toHaveLength(0);
    expect(m.acc.state.callers).toHaveLength(0);
  });
});
