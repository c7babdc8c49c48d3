/**
 * kscli orphans: keys of the store whose deletion left key material in the cluster (CloudTrail
 * DeleteKey events, additionalEventData.backingKeysDeletionStatus FAILURE; aws-facts 2.4), with the
 * key handles. CloudTrail event history covers 90 days. External key stores never orphan anything
 * (aws-facts 8).
 */
import type { Deps } from '../../deps.js';
import { findOrphans, orphanCleanupSteps } from '../../workflow/orphans.js';
import { storeOrRecord } from '../../workflow/store-or-record.js';
import type { OrphansResult } from '../../workflow/results.js';
export type { OrphansResult };

export async function runOrphans(deps: Deps, storeId: string): Promise<OrphansResult> {
  // a deleted store: its DeleteKey events outlive it (CloudTrail, 90 days), found by its ID alone
  const { store, deleted } = await storeOrRecord(deps, storeId, 'orphans');
  if (store.type === 'EXTERNAL_KEY_STORE') return { store, orphans: [], cleanupSteps: [] };
  const bar = deps.progress.bar('reading CloudTrail DeleteKey events');
  const orphans = await findOrphans(deps.aws, storeId, deps.clock.now(), (n) => bar.update(n)).finally(() =>
    bar.stop(),
  );
  // a deleted store has nothing to disconnect: the step would fail when pasted
  const cleanupSteps = orphanCleanupSteps(deleted ? undefined : deps.nextStep(['disconnect-store', storeId]));
  return { store, orphans, cleanupSteps, ...(deleted ? { deleted } : {}) };
}
