/**
 * Store IDs for shell completion: a short cache of DescribeCustomKeyStores, so that pressing TAB
 * never blocks the shell for more than a moment. Fresh cache (younger than the TTL): answered from
 * it without calling AWS. Otherwise AWS is asked with a time limit; on success the cache is
 * rewritten; on a timeout or an error the last known IDs (however old) are better than nothing.
 * One cache file per account target (region, profile, endpoint or sandbox), under ~/.kscli/cache.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';

/** Long enough for a burst of TABs, short enough that a new store shows up within a minute. */
export const STORE_CACHE_TTL_MS = 60_000;
/** The most a TAB waits for AWS (SDK load, credentials, one call): about a second and a half. */
export const STORE_LOOKUP_TIMEOUT_MS = 1_500;

export interface StoreIdLookup {
  /** ~/.kscli/cache */
  cacheDir: string;
  /** what the IDs belong to: region, profile, endpoint/sandbox */
  target: string;
  now: () => number;
  ttlMs?: number;
  timeoutMs?: number;
  /** DescribeCustomKeyStores: every store ID of the target */
  fetch: () => Promise<string[]>;
}

export type StoreIdSource = 'cache' | 'aws' | 'stale-cache' | 'none';

interface CacheFile {
  target: string;
  fetchedAt: number;
  storeIds: string[];
}

export function storeCachePath(cacheDir: string, target: string): string {
  return join(cacheDir, `stores-${createHash('sha256').update(target).digest('hex').slice(0, 16)}.json`);
}

function readCache(path: string, target: string): CacheFile | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (data.target !== target || !Array.isArray(data.storeIds) || typeof data.fetchedAt !== 'number') return undefined;
    return data;
  } catch {
    return undefined;
  }
}

function writeCache(path: string, cacheDir: string, data: CacheFile): void {
  try {
    makeDirs(cacheDir, 0o700);
    // write then rename: a TAB in another shell never reads half a file
    const tmp = `${path}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // a cache that cannot be written only makes the next TAB slower
  }
}

export async function lookupStoreIds(lookup: StoreIdLookup): Promise<{ storeIds: string[]; source: StoreIdSource }> {
  const path = storeCachePath(lookup.cacheDir, lookup.target);
  const cached = readCache(path, lookup.target);
  const age = cached ? lookup.now() - cached.fetchedAt : Infinity;
  if (cached && age >= 0 && age < (lookup.ttlMs ?? STORE_CACHE_TTL_MS))
    return { storeIds: cached.storeIds, source: 'cache' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), lookup.timeoutMs ?? STORE_LOOKUP_TIMEOUT_MS);
  });
  const fetched = await Promise.race([lookup.fetch().catch(() => undefined), timeout]);
  clearTimeout(timer);
  if (fetched) {
    const storeIds = [...fetched].sort();
    writeCache(path, lookup.cacheDir, { target: lookup.target, fetchedAt: lookup.now(), storeIds });
    return { storeIds, source: 'aws' };
  }
  return cached ? { storeIds: cached.storeIds, source: 'stale-cache' } : { storeIds: [], source: 'none' };
}
