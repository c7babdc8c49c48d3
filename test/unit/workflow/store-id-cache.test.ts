import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupStoreIds, storeCachePath, type StoreIdLookup } from '../../../src/workflow/store-id-cache.js';

function setup(overrides: Partial<StoreIdLookup> = {}) {
  const cacheDir = join(mkdtempSync(join(tmpdir(), 'kscli-cache-')), 'cache');
  let now = 1_000_000;
  let calls = 0;
  const lookup: StoreIdLookup = {
    cacheDir,
    target: 'sandbox|us-east-1|',
    now: () => now,
    ttlMs: 60_000,
    timeoutMs: 200,
    fetch: async () => {
      calls += 1;
      return ['cks-b0000000000000000', 'cks-a0000000000000000'];
    },
    ...overrides,
  };
  return { lookup, cacheDir, advance: (ms: number) => (now += ms), calls: () => calls };
}

describe('lookupStoreIds', () => {
  it('asks AWS once, then answers from the cache until the TTL passes', async () => {
    const t = setup();
    expect(await lookupStoreIds(t.lookup)).toEqual({
      storeIds: ['cks-a0000000000000000', 'cks-b0000000000000000'],
      source: 'aws',
    });
    t.advance(59_000);
    expect((await lookupStoreIds(t.lookup)).source).toBe('cache');
    expect(t.calls()).toBe(1);
    t.advance(2_000);
    expect((await lookupStoreIds(t.lookup)).source).toBe('aws');
    expect(t.calls()).toBe(2);
  });

  it('keeps one cache per target (another region or profile is asked afresh)', async () => {
    const t = setup();
    await lookupStoreIds(t.lookup);
    expect((await lookupStoreIds({ ...t.lookup, target: 'aws|eu-west-1|ops' })).source).toBe('aws');
    expect(storeCachePath(t.cacheDir, 'a')).not.toBe(storeCachePath(t.cacheDir, 'b'));
  });

  it('never waits past the time limit: a slow AWS gives the stale IDs, or none', async () => {
    const never = () => new Promise<string[]>(() => {});
    const t = setup({ fetch: never });
    const started = Date.now();
    expect(await lookupStoreIds(t.lookup)).toEqual({ storeIds: [], source: 'none' });
    expect(Date.now() - started).toBeLessThan(2_000);

    const path = storeCachePath(t.cacheDir, t.lookup.target);
    const seeded = setup();
    await lookupStoreIds({ ...seeded.lookup, cacheDir: t.cacheDir });
    t.advance(120_000);
    expect(await lookupStoreIds(t.lookup)).toEqual({
      storeIds: ['cks-a0000000000000000', 'cks-b0000000000000000'],
      source: 'stale-cache',
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).target).toBe(t.lookup.target);
  });

  it('a failed call or an unreadable cache is no error: nothing to offer', async () => {
    const t = setup({ fetch: async () => Promise.reject(new Error('no credentials')) });
    expect(await lookupStoreIds(t.lookup)).toEqual({ storeIds: [], source: 'none' });
    const ok = setup();
    await lookupStoreIds(ok.lookup);
    writeFileSync(storeCachePath(ok.cacheDir, ok.lookup.target), '{not json');
    expect((await lookupStoreIds(ok.lookup)).source).toBe('aws');
  });
});
