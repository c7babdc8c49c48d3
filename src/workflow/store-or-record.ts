/**
 * The store a command names, or the record of its deletion (./deleted-store.ts).
 *
 * - `describeStoreOrDeleted`: the commands about a live store (`usage`, `find-keys`, ...): a store
 *   the journal or CloudTrail shows deleted is exit 3 "was deleted on DATE", with the after-care
 *   commands to run next; a store with no such record stays "not found" (a typo, another Region).
 * - `storeOrRecord`: the after-care commands (`backups`, `orphans`): the live store, else the
 *   deleted store as its records show it (cluster, keys and their creation dates), else the cluster
 *   the operator names with --cluster.
 */
import type { StoreInfo } from '../aws/ports.js';
import type { Deps } from '../deps.js';
import { ExitCode, KscliError } from '../errors.js';
import {
  deletedPhrase,
  deletionFromCloudTrail,
  deletionFromJournal,
  joinDeletions,
  storeFromRecord,
  type StoreDeletion,
} from './deleted-store.js';
import { describeStore, journalFor } from './store-session.js';

/**
 * What the journal and CloudTrail recorded about a store that DescribeCustomKeyStores no longer
 * knows. `deep`: also look for its cluster and keys in CloudTrail when the journal knows no cluster.
 * A source that cannot be read is skipped (with --debug saying why): the answer is then "not found",
 * as before, never a guess.
 */
export async function storeDeletion(
  deps: Deps,
  storeId: string,
  command: string,
  deep: boolean,
): Promise<StoreDeletion | undefined> {
  let fromJournal: StoreDeletion | undefined;
  try {
    const id = await deps.identity();
    const journal = journalFor(deps, id.account, id.arn, storeId, command);
    fromJournal = deletionFromJournal(journal.entries(), storeId, { account: id.account, region: deps.region });
  } catch (err) {
    deps.debug(`journal not read: ${(err as Error).message}`);
  }
  if (fromJournal?.deletedOn && (!deep || fromJournal.clusterIds.length)) return fromJournal;
  let fromTrail: StoreDeletion | undefined;
  try {
    fromTrail = await deletionFromCloudTrail(
      deps.aws,
      storeId,
      deps.clock.now(),
      deep && !fromJournal?.clusterIds.length,
    );
  } catch (err) {
    deps.debug(`CloudTrail not read: ${(err as Error).message.split('\n')[0]}`);
  }
  const joined = joinDeletions(fromJournal, fromTrail);
  // key-seen lines alone (no deletion anywhere) are no proof that the store is gone
  return joined?.deletedOn ? joined : undefined;
}

function isNotFound(err: unknown): boolean {
  return err instanceof KscliError && err.exitCode === ExitCode.Blocked;
}

/** The store, or exit 3 saying when it was deleted (recorded) or that it was not found. */
export async function describeStoreOrDeleted(deps: Deps, storeId: string, command: string): Promise<StoreInfo> {
  try {
    return await describeStore(deps, storeId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const deleted = await storeDeletion(deps, storeId, command, false);
    if (!deleted) throw err;
    throw deletedStoreError(deps, deleted);
  }
}

export function deletedStoreError(deps: Deps, deleted: StoreDeletion): KscliError {
  const next = (args: string[]) => deps.nextStep(args);
  return new KscliError(
    ExitCode.Blocked,
    `custom key store ${deleted.storeId} ${deletedPhrase(deleted)}: it has no keys or usage any more`,
    `what it left behind: ${next(['backups', deleted.storeId])} ; ${next(['orphans', deleted.storeId])}`,
  );
}

export interface StoreOrRecord {
  store: StoreInfo;
  /** set when the store no longer exists: what the report is made from */
  deleted?: StoreDeletion;
}

/**
 * The live store, else its record. `cluster` (--cluster): the cluster the operator names, for a
 * store whose records are gone (another machine's journal, deleted over 90 days ago), or to add one.
 */
export async function storeOrRecord(
  deps: Deps,
  storeId: string,
  command: string,
  cluster?: string,
): Promise<StoreOrRecord> {
  try {
    return { store: await describeStore(deps, storeId) };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    let deleted = await storeDeletion(deps, storeId, command, true);
    if (cluster) {
      deleted = deleted
        ? { ...deleted, clusterIds: [...new Set([cluster, ...deleted.clusterIds])] }
        : { storeId, source: 'cluster-flag', clusterIds: [cluster], keys: [] };
    }
    if (!deleted) {
      throw new KscliError(
        ExitCode.Blocked,
        (err as Error).message,
        `${(err as KscliError).hint ?? ''}; for a store deleted with no record left (no journal here, over 90 days of CloudTrail), name its cluster: --cluster cluster-…`,
      );
    }
    return { store: storeFromRecord(deleted), deleted };
  }
}
