import { describe, expect, it } from 'vitest';
import { renderUsageMarkdown, type UsageDoc, type UsageKeyDoc } from '../../../../src/ui/markdown/usage-review.js';

const ok = { status: 'ok' } as const;
function key(keyId: string, verdict: UsageKeyDoc['verdict'], over: Partial<UsageKeyDoc> = {}): UsageKeyDoc {
  return {
    keyId,
    arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
    verdict,
    evidenceSource: 'api',
    reason: `${verdict}: evidence 2026-09-01..2026-11-30`,
    lastUsage: { ...ok, trackingStartDate: '2026-01-01T00:00:00.000Z' },
    cloudTrail: {
      ...ok,
      window: { start: '2026-09-01T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' },
      operations: {},
      principals: [],
      failedAttemptCount: 0,
      failedAttempts: [],
      ignoredEventCount: 0,
    },
    policyPrincipals: {
      ...ok,
      principals: [
        { principal: 'arn:aws:iam::111122223333:root', kind: 'account', actions: ['kms:*'], conditional: false },
      ],
    },
    grants: { ...ok, grants: [] },
    aliases: { ...ok, names: [] },
    ...over,
  };
}

const doc: UsageDoc = {
  store: {
    storeId: 'cks-1234567890abcdef0',
    name: 'legacy',
    type: 'AWS_CLOUDHSM',
    connectionState: 'CONNECTED',
    clusterId: 'cluster-1',
    creationDate: '2025-01-01T00:00:00.000Z',
  },
  account: '111122223333',
  region: 'us-east-1',
  generatedAt: '2026-11-30T00:00:00.000Z',
  window: {
    cloudTrailStart: '2026-09-01T00:00:00.000Z',
    cloudTrailEnd: '2026-11-30T00:00:00.000Z',
    cloudTrailDays: 90,
    requestedDays: 90,
    unusedDays: 90,
  },
  keys: [
    key('1234abcd-12ab-34cd-56ef-1234567890ab', 'in-use', {
      lastUsage: { status: 'ok', operation: 'Decrypt', timestamp: '2026-11-27T00:00:00.000Z' },
      cloudTrail: {
        status: 'ok',
        window: { start: '2026-09-01T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' },
        operations: { Decrypt: 3 },
        principals: [{ principal: 'arn:aws:iam::111122223333:role/app-backend', count: 3 }],
        newest: {
          eventId: 'ev-1',
          eventName: 'Decrypt',
          eventTime: '2026-11-27T00:00:00.000Z',
          principal: 'arn:aws:iam::111122223333:role/app-backend',
        },
        failedAttemptCount: 0,
        failedAttempts: [],
        ignoredEventCount: 0,
      },
      aliases: { status: 'ok', names: ['alias/payments-legacy'] },
      grants: {
        status: 'ok',
        grants: [{ grantId: 'g', granteePrincipal: 'rds.amazonaws.com', operations: ['Decrypt'], awsService: true }],
      },
    }),
    key('0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11', 'unused'),
    key('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', 'unknown', {
      cloudTrail: { ...key('x', 'unknown').cloudTrail, status: 'access-denied', error: 'not authorized' },
    }),
  ],
  note: 'Inactivity is a review signal, not proof.',
};

describe('kscli usage --output markdown', () => {
  const md = renderUsageMarkdown(doc);
  it('has a title, the verdict table with one row per key, and one evidence section per key', () => {
    const headings = md.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings.slice(0, 3)).toEqual([
      '# Key usage: cks-1234567890abcdef0',
      '## Verdicts (3 key(s): 0 protects-data, 1 in-use, 1 unused, 1 unknown)',
      '## Evidence per key',
    ]);
    expect(headings.slice(3)).toEqual(doc.keys.map((k) => `### \`${k.keyId}\``));
    const lines = md.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| Key | Aliases | Verdict'));
    const rows = lines.slice(start + 2).filter((_l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('|')));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^\| `1234abcd-12ab-34cd-56ef-1234567890ab` \| `alias\/payments-legacy` \| \*\*in-use\*\* \| Decrypt 2026-11-27 \| 3 \| 0 \| 1 \| 1 \|/,
    );
    expect(rows[2]).toMatch(/\| access-denied \(not authorized\) \|/);
  });
  it('says which evidence a verdict rests on, and the review-signal note', () => {
    expect(md).toMatch(/Grants: `rds.amazonaws.com` \(AWS service: it depends on the key\)/);
    expect(md).toMatch(/CloudTrail: access-denied \(not authorized\)/);
    expect(md).toMatch(/> Inactivity is a review signal, not proof\./);
    expect(md).toMatch(/\| Account \| `111122223333` \|/);
  });
});
