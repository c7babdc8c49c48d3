/**
 * Reading where an account stands: the store, and the keys in it. No API filters keys by store
 * (aws-facts 2.5): the adapter pages ListKeys and describes every key concurrently, and kscli keeps
 * those whose CustomKeyStoreId is this store.
 */
import type { AwsPorts, KeyInfo, Progress, StoreInfo } from '../aws/ports.js';
import { KscliError, ExitCode } from '../errors.js';

/**
 * The store, or exit 3 with a sentence naming store, region and account (DescribeCustomKeyStores
 * answers CustomKeyStoreNotFoundException for an unknown ID: the port returns null).
 */
export async function describeStoreOrFail(
  aws: AwsPorts,
  storeId: string,
  account: () => Promise<string | undefined>,
): Promise<StoreInfo> {
  const store = await aws.kms().describeStore(storeId);
  if (store) return store;
  let acct: string | undefined;
  try {
    acct = await account();
  } catch {
    acct = undefined;
  }
  throw new KscliError(
    ExitCode.Blocked,
    `custom key store ${storeId} was not found in ${acct ? `account ${acct}` : 'this account'}, region ${aws.region}`,
    'check --region and --profile, or run "kscli stores" to list the stores of this region',
  );
}

export function listStoreKeys(
  aws: AwsPorts,
  storeId: string,
  onProgress?: Progress,
  /** each key of the store as DescribeKey returns it, before the scan ends (usage's early lookups) */
  onKey?: (key: KeyInfo) => void,
): Promise<KeyInfo[]> {
  return aws.kms().scanKeys((k) => {
    const mine = k.customKeyStoreId === storeId;
    if (mine) onKey?.(k);
    return mine;
  }, onProgress);
}

/** Key states counted per store, for `stores`. */
export function countByState(keys: KeyInfo[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k.state] = (counts[k.state] ?? 0) + 1;
  return counts;
}

/** Newest deletion date among keys waiting for deletion. */
export function latestDeletionDate(keys: Array<Pick<KeyInfo, 'deletionDate'>>): Date | undefined {
  let latest: Date | undefined;
  for (const k of keys) if (k.deletionDate && (!latest || k.deletionDate > latest)) latest = k.deletionDate;
  return latest;
}

/** AWS deletes a key up to 24 h after its DeletionDate (aws-facts 9): the time to come back. */
export function nextRunAfter(keys: Array<Pick<KeyInfo, 'deletionDate'>>): Date | undefined {
  const d = latestDeletionDate(keys);
  return d ? new Date(d.getTime() + 24 * 3600 * 1000) : undefined;
}
