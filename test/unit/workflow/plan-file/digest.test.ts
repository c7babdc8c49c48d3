import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAN_COMMANDS } from '../../../../src/commands/catalog.js';
import {
  canonicalJson,
  computeDigest,
  parsePlanFile,
  readPlanFile,
  serializePlan,
  writePlanFile,
} from '../../../../src/workflow/plan-file/index.js';
import { ExitCode, KscliError } from '../../../../src/errors.js';
import { schemaErrors } from '../../../../src/commands/published-schemas.js';
import { clone, plan } from './fixtures.js';

function refusal(fn: () => unknown): KscliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KscliError);
    return err as KscliError;
  }
  throw new Error('expected a refusal');
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, drops undefined, turns Dates into ISO strings', () => {
    const text = canonicalJson({ b: 1, a: { d: [3, 1], c: undefined, e: new Date('2026-01-02T03:04:05Z') } });
    expect(text).toBe(
      '{\n  "a": {\n    "d": [\n      3,\n      1\n    ],\n    "e": "2026-01-02T03:04:05.000Z"\n  },\n  "b": 1\n}\n',
    );
  });
  it('is the same for objects that differ only in key order', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });
  it('refuses NaN rather than hiding it as null', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/not a JSON number/);
  });
});

describe('the digest', () => {
  it('is sha256 over the content without the digest field, and stable', () => {
    const p = plan();
    expect(schemaErrors('plan-file', JSON.parse(serializePlan(p)))).toEqual([]);
    expect(p.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(computeDigest(p)).toBe(p.digest);
    expect(plan().digest).toBe(p.digest);
  });
  it('changes with any value', () => {
    const p = plan();
    const q = clone(p);
    (q.items[1]!.params as any).PendingWindowInDays = 7;
    expect(computeDigest(q)).not.toBe(p.digest);
  });
});

describe('reading a plan file', () => {
  it('accepts the bytes it wrote, and a re-indented copy (the digest covers the canonical content)', () => {
    const p = plan();
    expect(parsePlanFile(serializePlan(p), 'p.json')).toEqual(p);
    expect(parsePlanFile(JSON.stringify(p), 'p.json').digest).toBe(p.digest);
  });
  it('refuses an edited file (exit 2), naming both digests', () => {
    const p = plan();
    const text = serializePlan(p).replace('"PendingWindowInDays": 30', '"PendingWindowInDays": 7');
    const e = refusal(() => parsePlanFile(text, 'p.json'));
    expect(e.exitCode).toBe(ExitCode.BadInput);
    expect(e.message).toMatch(
      /p\.json was changed after it was made: its digest sha256:[0-9a-f]{64} does not match its content \(sha256:[0-9a-f]{64}\)/,
    );
    expect(e.hint).toMatch(/make a new plan/);
  });
  it('refuses a file whose apply items were widened, even with the digest field removed', () => {
    const q = clone(plan()) as any;
    q.items[3].status = 'apply';
    delete q.digest;
    expect(refusal(() => parsePlanFile(JSON.stringify(q), 'p.json')).message).toMatch(/"digest" is missing/);
  });
  for (const [name, mutate, problem] of [
    ['not JSON', () => '{', /not valid JSON/],
    ['another document', () => JSON.stringify({ schemaVersion: 1, command: 'x' }), /not a kscli plan/],
    ['an unknown schema version', () => JSON.stringify({ ...plan(), schemaVersion: 2 }), /schemaVersion 2/],
    [
      'a command that writes no plans',
      () => JSON.stringify({ ...plan(), command: 'find-keys' }),
      /not a command that writes plans/,
    ],
    [
      'an item without a status',
      () => JSON.stringify({ ...plan(), items: [{ target: 'x', action: 'y' }] }),
      /item 1 lacks/,
    ],
    ['no observations', () => JSON.stringify({ ...plan(), observations: undefined }), /observations/],
  ] as const) {
    it(`refuses ${name} (exit 2)`, () => {
      const e = refusal(() => parsePlanFile((mutate as () => string)(), 'p.json', PLAN_COMMANDS));
      expect(e.exitCode).toBe(ExitCode.BadInput);
      expect(e.message).toMatch(problem as RegExp);
    });
  }
  it('refuses a missing file (exit 2)', () => {
    expect(refusal(() => readPlanFile('/nonexistent/plan.json')).message).toMatch(
      /cannot read the plan file \/nonexistent\/plan\.json \(ENOENT\)/,
    );
  });
  it('writes atomically (no temporary file left) and reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kscli-plan-'));
    const path = join(dir, 'plan.json');
    writePlanFile(path, plan(), 4242);
    expect(readdirSync(dir)).toEqual(['plan.json']);
    expect(readPlanFile(path).digest).toBe(plan().digest);
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    writeFileSync(path, readFileSync(path, 'utf8').replace('alice', 'mallory'));
    expect(refusal(() => readPlanFile(path)).message).toMatch(/changed after it was made/);
  });
  it('names an unwritable path (exit 2)', () => {
    const e = refusal(() => writePlanFile('/nonexistent-dir/plan.json', plan(), 1));
    expect(e.exitCode).toBe(ExitCode.BadInput);
    expect(e.message).toMatch(/cannot write the plan file/);
  });
});
