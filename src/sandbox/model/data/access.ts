/**
 * Reading and changing an account's data at rest. Readers get `dataView(acc)`: the stored records
 * plus, in the `large` scenario, the generated ones (generate.ts), made once per account in memory
 * and never written to the state file, so 50,000 resources cost neither start-up nor saves.
 * Writers get `dataOf(acc)` (the persisted records) and call `changed(acc)` afterwards.
 */
import type { Account } from '../account.js';
import { generateData } from './generate.js';
import { emptyData, type DataState } from './state.js';

interface Cache {
  version: number;
  generated?: DataState;
  view?: DataState;
  viewVersion: number;
}

const caches = new WeakMap<Account, Cache>();

function cacheOf(acc: Account): Cache {
  let c = caches.get(acc);
  if (!c) caches.set(acc, (c = { version: 0, viewVersion: -1 }));
  return c;
}

/** The persisted data of the account (created empty on first use). */
export function dataOf(acc: Account): DataState {
  acc.state.data ??= emptyData();
  return acc.state.data;
}

/** The data as stored, without creating it (undefined: the account holds none). */
export function storedData(acc: Account): DataState | undefined {
  return acc.state.data;
}

/** Call after changing dataOf(acc): marks the state dirty and drops cached views and query results. */
export function changed(acc: Account): void {
  cacheOf(acc).version++;
  acc.dirty = true;
}

/** A number that changes whenever the account's data does (query result caches key on it). */
export function dataVersion(acc: Account): number {
  return cacheOf(acc).version;
}

const LIST_MEMBERS = [
  'buckets',
  'volumes',
  'snapshots',
  'dbInstances',
  'dbClusters',
  'dbSnapshots',
  'dbClusterSnapshots',
  'tables',
  'vaults',
  'secrets',
  'parameters',
] as const;

/** Stored plus generated records; the stored object itself when nothing is generated. */
export function dataView(acc: Account): DataState {
  const stored = storedData(acc) ?? emptyData();
  if (!stored.generated) return stored;
  const c = cacheOf(acc);
  c.generated ??= generateData(acc, stored.generated);
  if (c.view && c.viewVersion === c.version) return c.view;
  const view: DataState = { ...stored };
  for (const m of LIST_MEMBERS) (view as unknown as Record<string, unknown[]>)[m] = [...c.generated[m], ...stored[m]];
  c.view = view;
  c.viewVersion = c.version;
  return view;
}
