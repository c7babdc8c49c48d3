/**
 * A key that protects data (issue 19) is blocked by its own check, overridden only by
 * --allow-data-loss; a key in use AND protecting data needs both overrides; the override is named
 * in the plan line and in the plan's overrides (which go to the journal).
 */
import { describe, expect, it } from 'vitest';
import { evidenceOverrides, withEvidence } from '../../../src/workflow/schedule-deletion.js';
import type { KeyAssessment } from '../../../src/workflow/evidence-port.js';
import type { PlanItem } from '../../../src/workflow/plan.js';

const line: PlanItem = {
  target: 'k1',
  targetKind: 'key',
  action: 'ScheduleKeyDeletion',
  status: 'apply',
  reason: 'schedule deletion in 30 days',
  checks: [],
};

function assessment(useVerdict: 'in-use' | 'unused', allow: { inUse?: boolean; data?: boolean }): KeyAssessment {
  return {
    verdict: 'protects-data',
    useVerdict,
    check:
      useVerdict === 'unused'
        ? { name: 'usage-verdict', ok: true }
        : {
            name: 'usage-verdict',
            ok: false,
            detail: 'Decrypt yesterday',
            overrideFlag: '--allow-in-use',
            ...(allow.inUse ? { overridden: true } : {}),
          },
    dataCheck: {
      name: 'data-at-rest',
      ok: false,
      detail: '2 resource(s) encrypted under it: S3 Bucket b, EC2 Snapshot snap-1',
      overrideFlag: '--allow-data-loss',
      ...(allow.data ? { overridden: true } : {}),
    },
    dependents: {
      status: 'found',
      resources: [
        { resourceType: 'AWS::S3::Bucket', resourceId: 'b', kmsKeyRef: 'k1', property: 'p', source: 'direct' },
        { resourceType: 'AWS::EC2::Snapshot', resourceId: 'snap-1', kmsKeyRef: 'k1', property: 'p', source: 'direct' },
      ],
      gaps: [],
      staleGrants: [],
    },
    evidence: {},
  };
}

describe('protects-data in the plan', () => {
  it('blocks without --allow-data-loss, naming the resources and the flag', () => {
    const item = withEvidence(line, assessment('unused', {}));
    expect(item.status).toBe('blocked');
    expect(item.reason).toMatch(
      /^protects-data: 2 resource\(s\) encrypted under it: S3 Bucket b, EC2 Snapshot snap-1 \(override: --allow-data-loss\)$/,
    );
    expect(item.details?.dependents).toMatchObject({ status: 'found', count: 2 });
  });

  it('applies with --allow-data-loss, the override on the line', () => {
    const item = withEvidence(line, assessment('unused', { data: true }));
    expect(item.status).toBe('apply');
    expect(item.reason).toMatch(/protects-data, overridden with --allow-data-loss/);
    expect(item.checks.find((c) => c.name === 'data-at-rest')).toMatchObject({ ok: false, overridden: true });
  });

  it('in use and protecting data: --allow-data-loss alone is not enough, nor --allow-in-use alone', () => {
    expect(withEvidence(line, assessment('in-use', { data: true })).status).toBe('blocked');
    expect(withEvidence(line, assessment('in-use', { data: true })).reason).toMatch(
      /in-use: Decrypt yesterday \(override: --allow-in-use\)/,
    );
    expect(withEvidence(line, assessment('in-use', { inUse: true })).status).toBe('blocked');
    expect(withEvidence(line, assessment('in-use', { inUse: true, data: true })).status).toBe('apply');
  });

  it('--allow-data-loss and --dependents off are overrides of the plan (journalled)', () => {
    const base = { allowInUse: false, allowUnknownUsage: false, alarm: true };
    expect(evidenceOverrides({ ...base, allowDataLoss: true })).toEqual(['--allow-data-loss']);
    expect(evidenceOverrides({ ...base, dependents: 'off' })).toEqual(['--dependents off']);
  });
});
