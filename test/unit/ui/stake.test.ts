/** What is at stake, above the typed confirmation (issue 14). */
import { describe, expect, it } from 'vitest';
import { stakeLines } from '../../../src/ui/stake.js';
import { createStyle } from '../../../src/ui/style.js';
import type { PlanItem } from '../../../src/workflow/plan.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const style = createStyle(false);
const schedule = (target: string, verdict: string | undefined, days = 30): PlanItem => ({
  target,
  targetKind: 'key',
  action: 'ScheduleKeyDeletion',
  status: 'apply',
  reason: 'schedule deletion',
  checks: [],
  details: { state: 'Enabled', ...(verdict ? { verdict } : {}), params: { KeyId: target, PendingWindowInDays: days } },
});
const other = (action: string): PlanItem => ({
  target: 'x',
  targetKind: 'store',
  action,
  status: 'apply',
  reason: '',
  checks: [],
});

describe('stakeLines', () => {
  it('counts the keys, the overridden in-use and unknown ones, and dates the earliest deletion', () => {
    const lines = stakeLines(
      [
        schedule('a', 'in-use', 30),
        schedule('b', 'unknown', 7),
        schedule('c', 'unused', 30),
        schedule('d', 'in-use'),
        other('PutMetricAlarm'),
      ],
      NOW,
      style,
    );
    expect(lines).toEqual([
      '4 keys will be scheduled for deletion',
      '  earliest deletion: 2026-12-07T12:00:00.000Z (in 7 days)',
      '  2 of them in use (overridden with --allow-in-use)',
      '  1 of them with unknown usage (overridden with --allow-unknown-usage)',
      'and PutMetricAlarm',
    ]);
  });

  it('says so when none of the keys is in use', () => {
    expect(stakeLines([schedule('a', 'unused')], NOW, style)).toEqual([
      '1 key will be scheduled for deletion',
      '  earliest deletion: 2026-12-30T12:00:00.000Z (in 30 days)',
      '  none of them in use by the evidence',
    ]);
  });

  it('other commands: the changes by kind', () => {
    expect(stakeLines([other('DisconnectCustomKeyStore')], NOW, style)).toEqual(['DisconnectCustomKeyStore']);
    expect(stakeLines([other('DeleteBackup'), other('DeleteBackup')], NOW, style)).toEqual(['DeleteBackup x2']);
  });

  it('colours the in-use count red, and the word says it too', () => {
    const lines = stakeLines([schedule('a', 'in-use')], NOW, createStyle(true));
    expect(lines.find((l) => l.includes('in use'))).toContain('\u001b[31m1 of them in use');
  });
});
