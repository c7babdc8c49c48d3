/**
 * What time does to the account, applied in time order whenever the model is touched and on
 * `advance`: store connection transitions complete, keys whose DeletionDate passed are deleted
 * (with their CloudTrail DeleteKey event), backups 7 days in PENDING_DELETION are purged.
 *
 * AWS deletes a key up to 24 h after its DeletionDate (aws-facts 3.1, 9); so does the sandbox, at a
 * moment fixed by the config's deletionLagSeed (deletion-lag.ts). Until then the key stays
 * PendingDeletion with a DeletionDate in the past. Daily CloudHSM backups are not simulated.
 */
import type { AdvanceReport } from '../contract.js';
import type { Account } from './account.js';
import { deletionMoment } from './deletion-lag.js';
import { recordDeleteKeyEvent } from './cloudtrail/trail-events.js';
import type { KeyRecord } from './state.js';
import { nextTeardownAt, teardownDue } from './cloudhsm/teardown.js';

type Due =
  | { t: number; order: 0; kind: 'store'; id: string }
  | { t: number; order: 1; kind: 'key'; id: string }
  | { t: number; order: 2; kind: 'backup'; id: string }
  | { t: number; order: 3; kind: 'teardown'; apply: () => void };

export type DueReport = Omit<AdvanceReport, 'from' | 'to'>;

function computeDueAt(acc: Account): number {
  let due = Number.POSITIVE_INFINITY;
  for (const s of acc.state.stores) if (s.transitionAt !== undefined && s.transitionAt < due) due = s.transitionAt;
  for (const id of acc.pendingDeletion) {
    const d = deletionMoment(acc, acc.keyById.get(id));
    if (d !== undefined && d < due) due = d;
  }
  for (const b of acc.state.backups) if (b.deleteAt !== undefined && b.deleteAt < due) due = b.deleteAt;
  return Math.min(due, nextTeardownAt(acc));
}

/** Applies everything due up to `until`; cheap (one comparison) when nothing is due. */
export function applyDue(acc: Account, until: number, report?: DueReport): void {
  if (acc.dueStale) {
    acc.dueAt = computeDueAt(acc);
    acc.dueStale = false;
  }
  if (acc.dueAt > until) return;
  const due: Due[] = [];
  for (const s of acc.state.stores)
    if (s.transitionAt !== undefined && s.transitionAt <= until)
      due.push({ t: s.transitionAt, order: 0, kind: 'store', id: s.id });
  for (const id of acc.pendingDeletion) {
    const d = deletionMoment(acc, acc.keyById.get(id));
    if (d !== undefined && d <= until) due.push({ t: d, order: 1, kind: 'key', id });
  }
  for (const b of acc.state.backups)
    if (b.deleteAt !== undefined && b.deleteAt <= until)
      due.push({ t: b.deleteAt, order: 2, kind: 'backup', id: b.id });
  // HSMs and clusters whose deletion finished, backups retention purges (cloudhsm/teardown.ts)
  for (const d of teardownDue(acc, until)) due.push({ t: d.t, order: 3, kind: 'teardown', apply: d.apply });
  // in time order; at the same instant a connection change lands before a deletion
  due.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const item of due) {
    if (item.kind === 'store') completeTransition(acc, item.id, report);
    else if (item.kind === 'key') deleteKeyAtExpiry(acc, acc.keyById.get(item.id)!, item.t, report);
    else if (item.kind === 'backup') purgeBackup(acc, item.id, report);
    else item.apply();
  }
  acc.dueStale = true;
  acc.dirty = true;
}

function completeTransition(acc: Account, storeId: string, report?: DueReport): void {
  const s = acc.storeById.get(storeId);
  if (!s || s.transitionAt === undefined) return;
  const from = s.state;
  const to = from === 'CONNECTING' ? 'CONNECTED' : 'DISCONNECTED';
  s.state = to;
  delete s.transitionAt;
  report?.storeTransitions.push({ storeId, from, to });
}

/**
 * Deletes a key whose waiting period ended. For a CloudHSM key KMS then tries to delete the
 * backing key: SUCCESS when the store is CONNECTED at that moment, else FAILURE and the material
 * stays in the cluster (recorded in state.orphanedKeyMaterial). External-store keys have no
 * backing key status: KMS never touches external keys (aws-facts 8).
 */
function deleteKeyAtExpiry(acc: Account, k: KeyRecord, t: number, report?: DueReport): void {
  const arn = acc.keyArn(k.id);
  const store = k.storeId ? acc.storeById.get(k.storeId) : undefined;
  let status: 'SUCCESS' | 'FAILURE' | undefined;
  let additional: Record<string, unknown> | undefined;
  if (k.origin === 'AWS_CLOUDHSM' && k.clusterId) {
    status = store?.state === 'CONNECTED' ? 'SUCCESS' : 'FAILURE';
    const backing = { keyHandle: k.keyHandle ?? '0x00000000', backingKeyId: k.backingKeyId ?? '' };
    additional = {
      customKeyStoreId: k.storeId,
      clusterId: k.clusterId,
      backingKeys: JSON.stringify([backing]),
      backingKeysDeletionStatus: JSON.stringify([{ ...backing, deletionStatus: status }]),
    };
    if (status === 'FAILURE') {
      (acc.state.orphanedKeyMaterial[k.clusterId] ??= []).push({ ...backing, keyArn: arn, at: t });
    }
  } else if (k.storeId) {
    additional = { customKeyStoreId: k.storeId, ...(k.xksKeyId ? { xksKeyId: k.xksKeyId } : {}) };
  }
  acc.removeKey(k);
  recordDeleteKeyEvent(acc, t, arn, additional);
  report?.deletedKeys.push({
    keyId: k.id,
    ...(k.storeId ? { storeId: k.storeId } : {}),
    ...(status ? { backingKeysDeletionStatus: status } : {}),
  });
}

function purgeBackup(acc: Account, id: string, report?: DueReport): void {
  acc.state.backups = acc.state.backups.filter((b) => b.id !== id);
  report?.purgedBackups.push(id);
}
