/**
 * AWS Config's advanced query engine (src/sandbox/model/config/query/): the documented subset and
 * its refusals, worked examples, and a property test that checks the engine's answers, through
 * SelectResourceConfig and its paging, against a brute-force scan of the scenario's configuration
 * items written independently here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createModel, DEMO_KEYS, scenario } from '../../../../src/sandbox/model/index.js';
import { recordedItems } from '../../../../src/sandbox/model/config/items.js';
import { changed, dataOf } from '../../../../src/sandbox/model/data/access.js';
import { call, callError } from './helpers.js';

const NOW = new Date('2026-12-01T00:00:00Z');

/** The demo with every type recorded, plus 300 generated resources of the large kind. */
function world() {
  const m = createModel(scenario('demo', { now: NOW, seed: 7 }));
  const d = dataOf(m.acc);
  d.recorders[0]!.allSupported = true;
  d.recorders[0]!.resourceTypes = [];
  d.generated = { count: 300, seed: 3, storeId: 'cks-1234567890abcdef0', storeShare: 0.3, at: NOW.getTime() };
  changed(m.acc);
  return m;
}

const select = (m: ReturnType<typeof world>, Expression: string, extra: Record<string, unknown> = {}) =>
  call(m, 'config', 'SelectResourceConfig', { Expression, ...extra });

/** Every page of a query, parsed. */
function allRows(m: ReturnType<typeof world>, expression: string, limit?: number): Array<Record<string, any>> {
  const rows: Array<Record<string, any>> = [];
  let token: string | undefined;
  do {
    const r = select(m, expression, { ...(limit ? { Limit: limit } : {}), ...(token ? { NextToken: token } : {}) });
    rows.push(...r.Results.map((x: string) => JSON.parse(x)));
    token = r.NextToken;
  } while (token);
  return rows;
}

describe('advanced query: what AWS refuses', () => {
  const m = world();
  it.each([
    ['SELECT DISTINCT resourceId', /DISTINCT/],
    ['SELECT resourceId FROM x', /FROM/],
    ['SELECT resourceId AS id', /AS/],
    ['SELECT resourceId WHERE resourceId IS NULL', /IS/],
    ["SELECT resourceId WHERE resourceId LIKE '%abc'", /LIKE/],
    ["SELECT resourceId WHERE resourceId LIKE 'ab%'", /LIKE/],
    ["SELECT resourceId WHERE resourceId LIKE 'a%bc%'", /LIKE/],
    ['SELECT resourceType, COUNT(*) GROUP BY resourceType, awsRegion, accountId, resourceId', /at most 3/],
    ['SELECT nope.x', /unknown property/],
    ['SELECT resourceId.x', /unknown property/],
    ["SELECT configuration.kmsKeyId WHERE configuration.KmsKeyId = 'x'", /differ only in case/],
    ['SELECT resourceId, COUNT(*)', /GROUP BY/],
    ['SELECT resourceId GROUP BY resourceId', /aggregate/],
    ["SELECT resourceId WHERE resourceId = 'x", /Unterminated/],
    ['SELECT resourceId WHERE', /expected a property/],
    ['SELECT resourceId LIMIT 5', /LIMIT/],
    ['SELECT SUM(*)', /SUM/],
  ])('%s', (expression, message) => {
    const e = callError(m, 'config', 'SelectResourceConfig', { Expression: expression });
    expect(e.code).toBe('InvalidExpressionException');
    expect(e.message).toMatch(message);
  });

  it('Limit above 100, a bad NextToken, a token of another query, an empty or 4,097-character expression', () => {
    expect(callError(m, 'config', 'SelectResourceConfig', { Expression: 'SELECT resourceId', Limit: 101 }).code).toBe(
      'InvalidLimitException',
    );
    const first = select(m, 'SELECT resourceId', { Limit: 1 });
    expect(
      callError(m, 'config', 'SelectResourceConfig', { Expression: 'SELECT arn', NextToken: first.NextToken }).code,
    ).toBe('InvalidNextTokenException');
    expect(callError(m, 'config', 'SelectResourceConfig', { Expression: '' }).code).toBe('ValidationException');
    const long = `SELECT resourceId WHERE resourceId IN (${Array.from({ length: 600 }, (_, i) => `'r${i}'`).join(',')})`;
    expect(long.length).toBeGreaterThan(4096);
    expect(callError(m, 'config', 'SelectResourceConfig', { Expression: long }).code).toBe('ValidationException');
  });
});

describe('advanced query: worked examples', () => {
  const m = world();
  const reportsArn = m.acc.keyArn(DEMO_KEYS.unusedA);

  it('default page is 25 rows; aggregate queries 500; keywords in any case', () => {
    const r = select(m, 'select resourceId where resourceType = "AWS::EC2::Volume"');
    expect(r.Results).toHaveLength(25);
    expect(r.NextToken).toBeTruthy();
    const g = select(m, 'SELECT resourceId, COUNT(*) GROUP BY resourceId');
    expect(g.Results.length).toBeGreaterThan(25);
  });

  it('projection keeps arrays; ORDER BY DESC; COUNT/SUM/MIN/MAX; NOT holds for a missing property', () => {
    const b = allRows(
      m,
      "SELECT resourceId, supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.sseAlgorithm WHERE resourceId = 'reports-archive-111122223333'",
    );
    expect(b).toEqual([
      {
        resourceId: 'reports-archive-111122223333',
        supplementaryConfiguration: {
          ServerSideEncryptionConfiguration: {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' } }],
          },
        },
      },
    ]);
    const vols = allRows(
      m,
      "SELECT resourceId, configuration.size WHERE resourceType = 'AWS::EC2::Volume' ORDER BY configuration.size DESC",
    );
    const sizes = vols.map((v) => v.configuration.size as number);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const [agg] = allRows(
      m,
      "SELECT COUNT(*), SUM(configuration.size), MIN(configuration.size), MAX(configuration.size) WHERE resourceType = 'AWS::EC2::Volume'",
    );
    expect(agg).toEqual({
      'COUNT(*)': vols.length,
      'SUM(configuration.size)': sizes.reduce((s, n) => s + n, 0),
      'MIN(configuration.size)': Math.min(...sizes),
      'MAX(configuration.size)': Math.max(...sizes),
    });
    const unencryptedOrMissing = allRows(
      m,
      "SELECT resourceId WHERE resourceType = 'AWS::EC2::Volume' AND NOT configuration.kmsKeyId != ''",
    );
    expect(unencryptedOrMissing).toEqual([]);
    const notUnder = allRows(
      m,
      `SELECT resourceId WHERE resourceType = 'AWS::EC2::Volume' AND configuration.kmsKeyId != '${reportsArn}'`,
    );
    // != holds for volumes under other keys and for unencrypted ones (no kmsKeyId at all)
    const keys = allRows(m, "SELECT resourceId, configuration.kmsKeyId WHERE resourceType = 'AWS::EC2::Volume'");
    expect(keys.some((v) => v.configuration === undefined)).toBe(true);
    expect(notUnder).toHaveLength(keys.filter((v) => v.configuration?.kmsKeyId !== reportsArn).length);
    expect(notUnder.length).toBeLessThan(vols.length);
  });

  it('BETWEEN on dates as ISO text, LIKE prefix, IN with numbers', () => {
    const recent = allRows(
      m,
      "SELECT resourceId, resourceCreationTime WHERE resourceCreationTime BETWEEN '2026-10-01' AND '2026-12-01' AND resourceType = 'AWS::S3::Bucket'",
    );
    for (const r of recent)
      expect(r.resourceCreationTime >= '2026-10-01' && r.resourceCreationTime <= '2026-12-01').toBe(true);
    expect(allRows(m, "SELECT resourceId WHERE resourceId LIKE 'reports-arch%'").map((r) => r.resourceId)).toEqual([
      'reports-archive-111122223333',
    ]);
    const demoVolumes = allRows(
      m,
      "SELECT resourceId WHERE configuration.size IN (100, 200, 50) AND resourceId LIKE 'vol-0123%'",
    );
    expect(demoVolumes.map((r) => r.resourceId).sort()).toEqual([
      'vol-0123456789abcdef0',
      'vol-0123456789abcdef1',
      'vol-0123456789abcdef2',
    ]);
  });

  it('a type the recorder does not record is not in the results (the demo recorder)', () => {
    const demo = createModel(scenario('demo', { now: NOW }));
    const types = allRows(demo, 'SELECT resourceType, COUNT(*) GROUP BY resourceType').map((r) => r.resourceType);
    expect(types).toContain('AWS::S3::Bucket');
    expect(types).not.toContain('AWS::SecretsManager::Secret');
    expect(types).not.toContain('AWS::RDS::DBCluster');
  });
});

// ---- the brute-force reference: written from the documented semantics, not from the engine ----

type Lit = string | number;
type Cond =
  | { k: 'and' | 'or'; a: Cond; b: Cond }
  | { k: 'not'; a: Cond }
  | { k: 'cmp'; path: string; op: '=' | '!=' | '<' | '>' | '<=' | '>='; v: Lit }
  | { k: 'in'; path: string; vs: Lit[] }
  | { k: 'between'; path: string; lo: Lit; hi: Lit }
  | { k: 'like'; path: string; prefix: string };

function leaves(item: unknown, path: string[]): unknown[] {
  if (item === undefined || item === null) return [];
  if (Array.isArray(item)) return item.flatMap((e) => leaves(e, path));
  if (path.length === 0) return typeof item === 'object' ? [] : [item];
  if (typeof item !== 'object') return [];
  return leaves((item as Record<string, unknown>)[path[0]!], path.slice(1));
}

function cmp(v: unknown, lit: Lit): number | undefined {
  if (typeof lit === 'number') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n - lit : undefined;
  }
  const text = String(v);
  return text === lit ? 0 : text < lit ? -1 : 1;
}

function holds(c: Cond, item: unknown): boolean {
  switch (c.k) {
    case 'and':
      return holds(c.a, item) && holds(c.b, item);
    case 'or':
      return holds(c.a, item) || holds(c.b, item);
    case 'not':
      return !holds(c.a, item);
    case 'cmp': {
      const vs = leaves(item, c.path.split('.'));
      if (c.op === '!=') return !vs.some((v) => cmp(v, c.v) === 0);
      return vs.some((v) => {
        const o = cmp(v, c.v);
        if (o === undefined) return false;
        return c.op === '=' ? o === 0 : c.op === '<' ? o < 0 : c.op === '>' ? o > 0 : c.op === '<=' ? o <= 0 : o >= 0;
      });
    }
    case 'in':
      return leaves(item, c.path.split('.')).some((v) => c.vs.some((x) => cmp(v, x) === 0));
    case 'between':
      return leaves(item, c.path.split('.')).some((v) => {
        const a = cmp(v, c.lo);
        const b = cmp(v, c.hi);
        return a !== undefined && b !== undefined && a >= 0 && b <= 0;
      });
    case 'like':
      return leaves(item, c.path.split('.')).some((v) => typeof v === 'string' && v.startsWith(c.prefix));
  }
}

const lit = (v: Lit): string => (typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

function sql(c: Cond): string {
  switch (c.k) {
    case 'and':
    case 'or':
      return `(${sql(c.a)} ${c.k.toUpperCase()} ${sql(c.b)})`;
    case 'not':
      return `NOT ${sql(c.a)}`;
    case 'cmp':
      return `${c.path} ${c.op} ${lit(c.v)}`;
    case 'in':
      return `${c.path} IN (${c.vs.map(lit).join(', ')})`;
    case 'between':
      return `${c.path} BETWEEN ${lit(c.lo)} AND ${lit(c.hi)}`;
    case 'like':
      return `${c.path} LIKE ${lit(`${c.prefix}%`)}`;
  }
}

function pathsOf(c: Cond): string[] {
  if (c.k === 'and' || c.k === 'or') return [...pathsOf(c.a), ...pathsOf(c.b)];
  if (c.k === 'not') return pathsOf(c.a);
  return 'path' in c ? [c.path] : [];
}

const TEXT_PATHS = [
  'resourceType',
  'resourceId',
  'awsRegion',
  'configuration.kmsKeyId',
  'configuration.KMSKeyId',
  'configuration.EncryptionKeyArn',
  'configuration.ssedescription.kmsmasterKeyArn',
  'supplementaryConfiguration.ServerSideEncryptionConfiguration.rules.applyServerSideEncryptionByDefault.kmsMasterKeyID',
  'resourceCreationTime',
  'configuration.encrypted',
];
const NUMBER_PATHS = ['configuration.size', 'configuration.allocatedStorage', 'configuration.itemCount'];

describe('advanced query: the engine agrees with a brute-force scan (property test)', () => {
  const m = world();
  const items = recordedItems(m.acc);
  const textValues = (p: string) => [...new Set(items.flatMap((it) => leaves(it, p.split('.')).map(String)))];
  const pools = Object.fromEntries(TEXT_PATHS.map((p) => [p, [...textValues(p).slice(0, 40), 'no-such-value']]));
  const numbers = [0, 1, 8, 50, 100, 200, 300, 500, 1000];

  const leaf: fc.Arbitrary<Cond> = fc.oneof(
    fc.constantFrom(...TEXT_PATHS).chain((path) =>
      fc.oneof(
        fc.record({
          k: fc.constant('cmp' as const),
          path: fc.constant(path),
          op: fc.constantFrom('=' as const, '!=' as const, '<' as const, '>=' as const),
          v: fc.constantFrom(...pools[path]!),
        }),
        fc.record({
          k: fc.constant('in' as const),
          path: fc.constant(path),
          vs: fc.array(fc.constantFrom(...pools[path]!), { minLength: 1, maxLength: 6 }),
        }),
        fc
          .constantFrom(...pools[path]!.filter((v) => v.length >= 3))
          .chain((v) =>
            fc
              .integer({ min: 3, max: Math.max(3, v.length) })
              .map((n) => ({ k: 'like' as const, path, prefix: v.slice(0, n) })),
          ),
      ),
    ),
    fc.constantFrom(...NUMBER_PATHS).chain((path) =>
      fc.oneof(
        fc.record({
          k: fc.constant('cmp' as const),
          path: fc.constant(path),
          op: fc.constantFrom('=' as const, '!=' as const, '<' as const, '>' as const, '<=' as const, '>=' as const),
          v: fc.constantFrom(...numbers),
        }),
        fc
          .tuple(fc.constantFrom(...numbers), fc.constantFrom(...numbers))
          .map(([lo, hi]) => ({ k: 'between' as const, path, lo, hi })),
        fc.record({
          k: fc.constant('in' as const),
          path: fc.constant(path),
          vs: fc.array(fc.constantFrom(...numbers), { minLength: 1, maxLength: 4 }),
        }),
      ),
    ),
  );
  const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ k: fc.constantFrom('and' as const, 'or' as const), a: tie('c'), b: tie('c') }),
      fc.record({ k: fc.constant('not' as const), a: tie('c') }),
    ),
  })).c;

  it('WHERE selects exactly the items the scan selects, across pages of any size', () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(cond, fc.integer({ min: 0, max: 100 }), (c, limit) => {
        const paths = pathsOf(c);
        const lower = new Map<string, string>();
        const clash = paths.some((p) => {
          const seen = lower.get(p.toLowerCase());
          lower.set(p.toLowerCase(), p);
          return seen !== undefined && seen !== p;
        });
        const expression = `SELECT resourceId, resourceType WHERE ${sql(c)}`;
        if (clash) {
          expect(callError(m, 'config', 'SelectResourceConfig', { Expression: expression }).code).toBe(
            'InvalidExpressionException',
          );
          return;
        }
        const expected = items.filter((it) => holds(c, it)).map((it) => `${it.resourceType}|${it.resourceId}`);
        const got = allRows(m, expression, limit).map((r) => `${r.resourceType}|${r.resourceId}`);
        if (expected.length > 0) nonEmpty++;
        expect(got.sort()).toEqual(expected.sort());
      }),
      { numRuns: 300, seed: 19 },
    );
    // the generator must reach queries that find something, not only empty answers
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('COUNT(*) GROUP BY agrees with the scan', () => {
    fc.assert(
      fc.property(cond, fc.constantFrom('resourceType', 'awsRegion', 'configuration.encrypted'), (c, group) => {
        if (pathsOf(c).some((p) => p !== group && p.toLowerCase() === group.toLowerCase())) return;
        const paths = pathsOf(c);
        if (new Set(paths.map((p) => p.toLowerCase())).size !== new Set(paths).size) return;
        const expected = new Map<string, number>();
        for (const it of items.filter((x) => holds(c, x)))
          for (const v of new Set(leaves(it, group.split('.'))))
            expected.set(String(v), (expected.get(String(v)) ?? 0) + 1);
        const rows = allRows(m, `SELECT ${group}, COUNT(*) WHERE ${sql(c)} GROUP BY ${group}`);
        const got = new Map(rows.map((r) => [String(leaves(r, group.split('.'))[0]), r['COUNT(*)'] as number]));
        expect(got).toEqual(expected);
      }),
      { numRuns: 150, seed: 20 },
    );
  });
});
