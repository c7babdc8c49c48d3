/**
 * The check every runKscli result goes through (helpers/schema-check.ts): real documents pass,
 * and a document that violates its schema is caught (so the check cannot be vacuous).
 */
import { describe, expect, it } from 'vitest';
import { assertBuilt, createWorkspace, kscliEnv, runKscli } from './helpers/index.js';
import { schemaViolations } from './helpers/schema-check.js';

assertBuilt();

describe('every JSON document of the e2e suite is checked against its schema', () => {
  it('a real document passes; the same document with a drifted field fails, naming the path and the schema', async () => {
    const ws = createWorkspace('schema-check');
    const args = ['stores', '--sandbox', '--output', 'json'];
    const r = await runKscli(args, { env: kscliEnv(ws, { credentials: false }) });
    expect(r.code, r.describe()).toBe(0);
    expect(schemaViolations(args, r.stdout)).toBeUndefined();

    const doc = r.json();
    expect(doc.stores.length).toBeGreaterThan(0);
    const drifted = {
      ...doc,
      stores: [{ ...doc.stores[0], keyCount: 'three' }, ...doc.stores.slice(1)],
      newField: true,
    };
    const violation = schemaViolations(args, JSON.stringify(drifted));
    expect(violation).toMatch(/does not match schemas\/stores\.json/);
    expect(violation).toMatch(/\/stores\/0\/keyCount/);
    expect(violation).toMatch(/\/newField/);
  });

  it('checks the default output too (no TTY: json), and leaves tables, help and non-JSON alone', () => {
    const bad = JSON.stringify({ schemaVersion: 1, region: 'us-east-1', stores: [{}] });
    expect(schemaViolations(['stores'], bad)).toMatch(/schemas\/stores\.json/);
    expect(schemaViolations(['stores', '--output', 'table'], bad)).toBeUndefined();
    expect(schemaViolations(['stores', '--help'], bad)).toBeUndefined();
    expect(schemaViolations(['stores'], 'STORE  NAME\n')).toBeUndefined();
    expect(schemaViolations(['sandbox', 'serve'], bad)).toBeUndefined();
  });

  it('a plan document with an unknown outcome is caught', () => {
    const doc = {
      schemaVersion: 1,
      command: 'schedule-deletion',
      storeId: 'cks-1',
      account: '1',
      region: 'r',
      plan: [],
      outcome: 'maybe',
      warnings: [],
      overrides: [],
    };
    expect(schemaViolations(['schedule-deletion', 'cks-1234567890abcdef0'], JSON.stringify(doc))).toMatch(/\/outcome/);
    expect(
      schemaViolations(['schedule-deletion', 'cks-1234567890abcdef0'], JSON.stringify({ ...doc, outcome: 'dry-run' })),
    ).toBeUndefined();
  });
});
