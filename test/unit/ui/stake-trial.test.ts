/**
 * Issue 20: the prompt's stake lines of a trial say how many keys will be disabled and that EnableKey
 * (kscli enable-keys) undoes it; enable-keys says how many keys will be enabled again. Each line
 * appears only when its calls are in the plan (a test that can fail: counts and wording are checked).
 */
import { describe, expect, it } from 'vitest';
import { stakeLines } from '../../../src/ui/stake.js';
import { createStyle } from '../../../src/ui/style.js';
import type { PlanItem } from '../../../src/workflow/plan.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const style = createStyle(false);
const line = (target: string, action: string): PlanItem => ({
  target,
  targetKind: 'key',
  action,
  status: 'apply',
  reason: '',
  checks: [],
  details: { state: 'Enabled', params: { KeyId: target } },
});

describe('stake lines of a trial', () => {
  it('disable-keys / --trial-days: how many keys will be disabled, and that EnableKey undoes it', () => {
    const lines = stakeLines(
      // the lines to apply (the caller passes those only)
      [line('a', 'DisableKey'), line('b', 'DisableKey')],
      NOW,
      style,
    );
    expect(lines.join('\n')).toContain(
      '2 keys will be disabled for a trial: their callers fail until EnableKey (kscli enable-keys) undoes it',
    );
    expect(lines.join('\n')).not.toMatch(/ScheduleKeyDeletion|will be enabled/);
  });

  it('a key in use disabled with --allow-in-use: the stake says so and names the callers that will fail', () => {
    const used: PlanItem = {
      ...line('a', 'DisableKey'),
      details: {
        ...line('a', 'DisableKey').details,
        verdict: 'in-use',
        callers: ['arn:aws:iam::111122223333:role/app'],
      },
    };
    const unknown: PlanItem = { ...line('b', 'DisableKey'), details: { verdict: 'unknown' } };
    const lines = stakeLines([used, unknown], NOW, style);
    expect(lines).toContain(
      '  1 of them in use (overridden with --allow-in-use): arn:aws:iam::111122223333:role/app will fail',
    );
    expect(stakeLines([unknown], NOW, style).join('\n')).not.toMatch(/in use/);
  });

  it('enable-keys: how many keys will be enabled again', () => {
    const lines = stakeLines([line('a', 'EnableKey'), line('b', 'EnableKey'), line('c', 'EnableKey')], NOW, style);
    expect(lines).toContain('3 keys will be enabled again');
    expect(lines.join('\n')).not.toMatch(/disabled for a trial/);
  });
});
