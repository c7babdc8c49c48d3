/**
 * A stub of the evidence module (issue 3) for the deletion steps' tests: a verdict per key (default
 * unused) and an alarm in place or not. Blocking follows the contract: in-use blocks unless
 * allowInUse, unknown blocks unless allowUnknownUsage.
 */
import type { KeyInfo } from '../../../src/aws/ports.js';
import type { EvidencePort, KeyAssessment } from '../../../src/workflow/evidence-port.js';
import type { Executable } from '../../../src/workflow/plan.js';

export interface StubEvidenceOptions {
  verdicts?: Record<string, 'in-use' | 'unused' | 'unknown'>;
  alarmInPlace?: boolean;
  /** planAlarm returns an apply item (PutMetricAlarm) when the alarm is not in place */
  onAlarmApplied?: () => void;
}

export function stubEvidence(
  opts: StubEvidenceOptions = {},
): EvidencePort & { assessed: string[][]; alarmCreated: boolean } {
  const stub = {
    assessed: [] as string[][],
    alarmCreated: false,
    async assessKeys(_aws: unknown, keys: KeyInfo[], o: { allowInUse: boolean; allowUnknownUsage: boolean }) {
      stub.assessed.push(keys.map((k) => k.keyId));
      const out = new Map<string, KeyAssessment>();
      for (const k of keys) {
        const verdict = opts.verdicts?.[k.keyId] ?? 'unused';
        const flag =
          verdict === 'in-use' ? '--allow-in-use' : verdict === 'unknown' ? '--allow-unknown-usage' : undefined;
        const allowed = verdict === 'in-use' ? o.allowInUse : verdict === 'unknown' ? o.allowUnknownUsage : true;
        const ok = verdict === 'unused';
        out.set(k.keyId, {
          verdict,
          check: {
            name: 'usage-verdict',
            ok,
            detail: ok ? 'no use in 90 days' : `verdict ${verdict}`,
            overrideFlag: flag,
            ...(!ok && allowed ? { overridden: true } : {}),
          },
          evidence: {},
        });
      }
      return out;
    },
    async planAlarm(): Promise<Executable[]> {
      const inPlace = opts.alarmInPlace ?? stub.alarmCreated;
      return [
        {
          item: {
            target: 'kscli-pending-deletion',
            targetKind: 'alarm',
            action: 'PutMetricAlarm',
            status: inPlace ? 'skip' : 'apply',
            reason: inPlace ? 'already in place' : 'create the alarm',
            checks: [],
          },
          apply: async () => {
            stub.alarmCreated = true;
            opts.onAlarmApplied?.();
            return {};
          },
        },
      ];
    },
    async alarmInPlace() {
      const ok = opts.alarmInPlace ?? true;
      return {
        name: 'alarm-in-place',
        ok,
        detail: ok ? 'alarm kscli-pending-deletion in place' : 'no alarm for use of keys pending deletion',
        overrideFlag: '--no-alarm',
      };
    },
  };
  return stub;
}
