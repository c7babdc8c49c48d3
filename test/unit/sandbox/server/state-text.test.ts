import { describe, expect, it } from 'vitest';
import { createModel, createSandboxModel, orgScenario, scenario } from '../../../../src/sandbox/model/index.js';
import type { AccountState } from '../../../../src/sandbox/model/state.js';
import { stateText } from '../../../../src/sandbox/server/state-text.js';
import { kms } from '../model/helpers.js';

const DEMO_STORE = 'cks-1234567890abcdef0';

describe('the state file text (state-text.ts)', () => {
  it('is JSON.stringify of the state, before and after the history grows, and after it is pruned', () => {
    const m = createModel(scenario('demo'));
    const state = m.toJSON() as AccountState;
    expect(stateText(state)).toBe(JSON.stringify(state));
    // new CloudTrail events, each delivered to the trail's log group as well
    for (let i = 0; i < 20; i++) kms(m, 'ListKeys');
    kms(m, 'DescribeCustomKeyStores', { CustomKeyStoreId: DEMO_STORE });
    expect(state.events.length).toBeGreaterThan(20);
    expect(state.logGroups.some((g) => (g.events ?? []).length > 0)).toBe(true);
    expect(stateText(state)).toBe(JSON.stringify(state));
    // the front of a history dropped (retention, the cap): the arrays are read again at each save
    state.events.splice(0, 5);
    for (const g of state.logGroups) g.events?.splice(0, 1);
    expect(stateText(state)).toBe(JSON.stringify(state));
  });

  it('is JSON.stringify for the other scenarios too (a large account, an organization)', () => {
    const large = createModel(scenario('large', { keys: 300, storeKeys: 40, noiseEvents: 200 })).toJSON();
    expect(stateText(large)).toBe(JSON.stringify(large));
    const orgModel = createSandboxModel(orgScenario({ accounts: 5 }));
    const org = orgModel.toJSON() as { kind: string; cells: AccountState[] };
    expect(org.kind).toBe('org');
    expect(stateText(org)).toBe(JSON.stringify(org));
    // a cell's history is kept as an account's is: frozen once saved
    const cell = org.cells.find((c) => c.logGroups.some((g) => (g.events ?? []).length > 0))!;
    expect(Object.isFrozen(cell.logGroups.flatMap((g) => g.events ?? [])[0])).toBe(true);
  });

  it('leaves out what JSON.stringify leaves out, and falls back to it for anything but a plain object', () => {
    const odd = {
      a: undefined,
      b: () => 1,
      events: [{ x: 1 }, undefined, 3],
      logGroups: [null, { events: [] }],
      c: [undefined],
    };
    expect(stateText(odd)).toBe(JSON.stringify(odd));
    for (const v of [[1, 2], 'text', 7, null, { toJSON: () => ({ a: 1 }) }])
      expect(stateText(v)).toBe(JSON.stringify(v));
  });

  it('freezes a history record once its text is kept: changing it afterwards throws instead of saving a stale text', () => {
    const m = createModel(scenario('demo'));
    const state = m.toJSON() as AccountState;
    kms(m, 'ListKeys');
    stateText(state);
    const event = state.events[state.events.length - 1]!;
    expect(() => {
      event.name = 'Decrypt';
    }).toThrow(TypeError);
    const logEvent = state.logGroups.flatMap((g) => g.events ?? []).at(-1)!;
    expect(() => {
      logEvent.m = '{}';
    }).toThrow(TypeError);
  });
});
