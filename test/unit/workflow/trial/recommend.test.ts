/**
 * Issue 20: when kscli recommends a trial (workflow/trial/recommend.ts), and how the review
 * documents show a trial, its end, its failures and a recommendation (ui/markdown/).
 */
import { describe, expect, it } from 'vitest';
import type { KeyEvidence } from '../../../../src/workflow/evidence/types.js';
import { recommendTrial, withTrialRecommendation } from '../../../../src/workflow/trial/recommend.js';
import { renderPlanMarkdown } from '../../../../src/ui/markdown/plan-review.js';
import { renderUsageMarkdown, type UsageDoc } from '../../../../src/ui/markdown/usage-review.js';
import { KEY_A, KEY_B, plan, unsealed } from '../plan-file/fixtures.js';
import type { PlanItem } from '../../../../src/workflow/plan.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const key = { keyId: KEY_A, state: 'Enabled', customKeyStoreId: 'cks-1234567890abcdef0' } as const;

function evidence(lastUse?: Date, newestCall?: Date): KeyEvidence {
  return {
    keyId: KEY_A,
    lastUsage: lastUse ? { status: 'ok', timestamp: lastUse, operation: 'Decrypt' } : { status: 'ok' },
    cloudTrail: {
      status: 'ok',
      failedAttempts: [],
      ...(newestCall ? { newest: { eventTime: newestCall, eventName: 'Decrypt', principal: 'x', eventId: 'e' } } : {}),
    },
  } as unknown as KeyEvidence;
}

describe('recommendTrial', () => {
  const dates = { now: NOW, unusedDays: 90 };
  it('recommends a trial for an unknown verdict, with the command that starts it', () => {
    const r = recommendTrial(key, { verdict: 'unknown', evidence: evidence() }, false, dates);
    expect(r).toMatchObject({
      why: 'unknown',
      command: `kscli disable-keys cks-1234567890abcdef0 --key ${KEY_A} --trial-days 14`,
    });
  });

  it('recommends one for an unused key whose only evidence is old (a use before the unused period), naming its date', () => {
    const r = recommendTrial(
      key,
      { verdict: 'unused', evidence: evidence(new Date(NOW.getTime() - 300 * DAY)) },
      false,
      dates,
    );
    expect(r?.why).toBe('old-evidence');
    expect(r?.reason).toMatch(/last used 2026-02-04 \(300 days ago, before the 90-day unused period\)/);
    // CloudTrail's newest call counts as evidence too
    const ct = recommendTrial(
      key,
      { verdict: 'unused', evidence: evidence(undefined, new Date(NOW.getTime() - 100 * DAY)) },
      false,
      dates,
    );
    expect(ct?.why).toBe('old-evidence');
  });

  it('does not recommend one for a key never used over a covered period, an in-use or protects-data key, a key in a trial, or a key not Enabled', () => {
    expect(recommendTrial(key, { verdict: 'unused', evidence: evidence() }, false, dates)).toBeUndefined();
    expect(recommendTrial(key, { verdict: 'in-use', evidence: evidence(NOW) }, false, dates)).toBeUndefined();
    expect(recommendTrial(key, { verdict: 'protects-data', evidence: evidence() }, false, dates)).toBeUndefined();
    expect(recommendTrial(key, { verdict: 'unknown', evidence: evidence() }, true, dates)).toBeUndefined();
    expect(
      recommendTrial({ ...key, state: 'Disabled' }, { verdict: 'unknown', evidence: evidence() }, false, dates),
    ).toBeUndefined();
    // a stub port's evidence (no KeyEvidence shape) never counts as old evidence
    expect(recommendTrial(key, { verdict: 'unused', evidence: {} }, false, dates)).toBeUndefined();
  });

  it('a plan line carries it in details and says it in its reason; skip lines are left alone', () => {
    const rec = recommendTrial(key, { verdict: 'unknown', evidence: evidence() }, false, dates)!;
    const line: PlanItem = {
      target: KEY_A,
      targetKind: 'key',
      action: 'ScheduleKeyDeletion',
      status: 'blocked',
      reason: 'unknown: gap (override: --allow-unknown-usage)',
      checks: [],
    };
    const out = withTrialRecommendation(line, rec);
    expect(out.details?.trialRecommended).toEqual(rec);
    expect(out.reason).toBe(
      'unknown: gap (override: --allow-unknown-usage); or resolve it with a trial: --trial-days N',
    );
    expect(withTrialRecommendation({ ...line, status: 'skip' }, rec)).toEqual({ ...line, status: 'skip' });
  });
});

const failedTrial = {
  keyId: KEY_A,
  start: '2026-11-20T00:00:00.000Z',
  end: '2026-12-04T00:00:00.000Z',
  days: 14,
  phase: 'failed',
  failures: [
    {
      time: '2026-11-23T10:00:00.000Z',
      operation: 'Decrypt',
      principal: 'arn:aws:iam::111122223333:role/app-backend',
      account: '111122223333',
      region: 'us-east-1',
      errorCode: 'DisabledException',
    },
  ],
};

describe('the plan review document shows the trial', () => {
  it('a "## Trial" section: phase, window, failed calls and callers, the end, the rollback; and recommended trials', () => {
    const u = unsealed();
    const a = u.items.find((i) => i.target === KEY_A)!;
    a.details = { ...a.details, trial: failedTrial };
    const b = u.items.find((i) => i.target === KEY_B)!;
    b.details = {
      ...b.details,
      trialRecommended: { why: 'unknown', reason: 'usage unknown', command: 'kscli disable-keys x --key y' },
    };
    const md = renderPlanMarkdown(plan(u));
    expect(md).toMatch(/## Trial\n/);
    expect(md).toMatch(/The trial ends 2026-12-04 00:00 UTC/);
    expect(md).toMatch(/`kscli enable-keys cks-1234567890abcdef0` rolls it back/);
    expect(md).toMatch(
      new RegExp(
        `\\| \`${KEY_A}\` \\| \\*\\*failed\\*\\* \\| 2026-11-20 00:00 UTC \\.\\. 2026-12-04 00:00 UTC \\(14 days\\) \\| 1 \\| \`arn:aws:iam::111122223333:role/app-backend\` \\|`,
      ),
    );
    expect(md).toMatch(
      /Decrypt by `arn:aws:iam::111122223333:role\/app-backend` at 2026-11-23 10:00 UTC \(DisabledException; account `111122223333`, us-east-1\)/,
    );
    expect(md).toMatch(new RegExp(`- \`${KEY_B}\`: usage unknown: \`kscli disable-keys x --key y\``));
  });

  it('no section when no key is in a trial and none is recommended', () => {
    expect(renderPlanMarkdown(plan())).not.toMatch(/## Trial/);
  });
});

describe('the usage review document shows the trial', () => {
  const base: UsageDoc = {
    store: {
      storeId: 'cks-1234567890abcdef0',
      name: 's',
      type: 'AWS_CLOUDHSM',
      connectionState: 'CONNECTED',
      clusterId: null,
      creationDate: '2025-01-01T00:00:00.000Z',
    },
    region: 'us-east-1',
    generatedAt: NOW.toISOString(),
    window: {
      cloudTrailStart: '2026-09-01T00:00:00.000Z',
      cloudTrailEnd: NOW.toISOString(),
      cloudTrailDays: 90,
      requestedDays: 90,
      unusedDays: 90,
    },
    note: 'n',
    keys: [],
  };
  const k = (keyId: string, over: object) => ({
    keyId,
    arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    verdict: 'unknown' as const,
    evidenceSource: 'api' as const,
    reason: 'r',
    lastUsage: { status: 'ok' as const },
    cloudTrail: { status: 'access-denied' as const, error: 'denied' },
    policyPrincipals: { status: 'ok' as const, principals: [] },
    grants: { status: 'ok' as const, grants: [] },
    aliases: { status: 'ok' as const, names: [] },
    ...over,
  });
  it('a "## Trials" table and per-key bullets: phase, window, failed calls, callers; a recommended trial with its command', () => {
    const md = renderUsageMarkdown({
      ...base,
      keys: [
        k(KEY_A, { trial: failedTrial }),
        k(KEY_B, {
          trialRecommended: { why: 'unknown', reason: 'usage unknown', command: 'kscli disable-keys s --key b' },
        }),
      ] as unknown as UsageDoc['keys'],
    });
    expect(md).toMatch(/## Trials\n/);
    expect(md).toMatch(
      new RegExp(
        `\\| \`${KEY_A}\` \\| \\*\\*failed\\*\\* \\| 2026-11-20\\.\\.2026-12-04 \\| 1 \\| arn:aws:iam::111122223333:role/app-backend \\|`,
      ),
    );
    expect(md).toMatch(
      /- Trial: \*\*failed\*\*, disabled 2026-11-20 00:00 UTC until 2026-12-04 00:00 UTC \(14 days\), 1 failed call\(s\)/,
    );
    expect(md).toMatch(
      /- Failed call: Decrypt by `arn:aws:iam::111122223333:role\/app-backend` at 2026-11-23 10:00 UTC/,
    );
    expect(md).toMatch(/- \*\*Trial recommended\*\*: usage unknown: `kscli disable-keys s --key b`/);
  });
  it('no Trials section when no key is in a trial and none is recommended', () => {
    expect(renderUsageMarkdown({ ...base, keys: [k(KEY_A, {})] as unknown as UsageDoc['keys'] })).not.toMatch(/Trial/);
  });
});
