/**
 * What every store command does with Deps before its own work: find the store, scan its keys (with
 * a progress bar on a TTY), open its journal, and record the keys it saw there (so `backups` can
 * judge backups after the keys are gone).
 */
import type { KeyInfo, StoreInfo } from '../aws/ports.js';
import type { Deps } from '../deps.js';
import { describeStoreOrFail, listStoreKeys } from './inventory.js';
import { defaultJournalPath, Journal } from './journal.js';

/** The account for messages and journal names (STS), or undefined when STS cannot answer. */
export async function accountOrUndefined(deps: Deps): Promise<string | undefined> {
  try {
    return (await deps.identity()).account;
  } catch {
    return undefined;
  }
}

/** The journal of a store; --journal overrides the default path. */
export function journalFor(deps: Deps, account: string, callerArn: string, storeId: string, command: string): Journal {
  const path = deps.globals.journal ?? defaultJournalPath(deps.home, account, deps.region, storeId);
  const journal = new Journal(
    path,
    { account, region: deps.region, callerArn, command },
    () => deps.clock.now(),
    !deps.globals.journal,
  );
  // `kscli apply FILE`: every line of the run names the saved plan it applies
  if (deps.planDigest) journal.bindPlan(deps.planDigest);
  return journal;
}

/** Scans the keys of the store with a progress bar on a TTY. */
export async function scanStoreKeys(
  deps: Deps,
  storeId: string,
  label = 'scanning keys',
  onKey?: (key: KeyInfo) => void,
): Promise<KeyInfo[]> {
  const bar = deps.progress.bar(label);
  try {
    return await listStoreKeys(deps.aws, storeId, (done, total) => bar.update(done, total), onKey);
  } finally {
    bar.stop();
  }
}

/**
 * Records the keys kscli sees in the journal (so `backups` can judge backups after the keys are
 * gone). Best effort for read-only commands: a journal that cannot be written is a warning there.
 */
export async function recordKeysSeen(deps: Deps, storeId: string, command: string, keys: KeyInfo[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    const id = await deps.identity();
    const journal = journalFor(deps, id.account, id.arn, storeId, command);
    journal.ensureWritable();
    journal.recordKeysSeen(keys);
  } catch (err) {
    deps.debug(`journal not updated with the keys seen: ${(err as Error).message}`);
  }
}

export async function describeStore(deps: Deps, storeId: string): Promise<StoreInfo> {
  return describeStoreOrFail(deps.aws, storeId, () => accountOrUndefined(deps));
}
