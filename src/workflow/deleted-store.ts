/**
 * A custom key store that no longer exists, as the records kscli can read show it. After-care
 * (`backups`, `orphans`) outlives the store: KMS never deletes key material from cluster backups,
 * and the store's deletion is exactly when the operator turns to them. So when DescribeCustomKeyStores
 * no longer knows the store, kscli reads what was recorded while it existed:
 *   - the store's journal (journal.ts): kscli's own DeleteCustomKeyStore lines, and every key it saw
 *     (key ID, creation date, cluster ID: what `backups` judges backups by);
 *   - CloudTrail event history (90 days): the DeleteCustomKeyStore event (when, by whom: another
 *     tool or the console), CreateCustomKeyStore (the cluster) and CreateKey (keys and their
 *     creation dates) of the store.
 * A store found deleted this way is reported as "deleted on DATE", never as "not found" (which
 * would send the operator to check --region for a store that is gone for good).
 */
import type { AwsPorts, StoreInfo, TrailEvent } from '../aws/ports.js';
import type { CallEntry, KeySeenEntry } from './journal.js';

export const DELETE_CUSTOM_KEY_STORE = 'DeleteCustomKeyStore';
/** CloudTrail event history covers 90 days (aws-facts 5) */
const HISTORY_MS = 90 * 24 * 3600 * 1000;

export interface StoreDeletion {
  storeId: string;
  /** when the store was deleted (undefined: no record of the deletion itself, e.g. only --cluster) */
  deletedOn?: Date;
  /** what says so */
  source: 'journal' | 'cloudtrail' | 'cluster-flag';
  /** the store's cluster(s): the journal's keys, CloudTrail CreateCustomKeyStore / CreateKey, --cluster */
  clusterIds: string[];
  /** the store's keys with their creation dates (journal key-seen lines, CloudTrail CreateKey) */
  keys: KeySeenEntry[];
  name?: string;
  creationDate?: Date;
}

/** The journal's record of a store's deletion and keys (this account and Region's lines only). */
export function deletionFromJournal(
  entries: Array<CallEntry | KeySeenEntry>,
  storeId: string,
  where: { account: string; region: string },
): StoreDeletion | undefined {
  const calls = entries.filter((e): e is CallEntry => {
    const c = e as CallEntry;
    return (
      c.operation === DELETE_CUSTOM_KEY_STORE &&
      c.target === storeId &&
      c.account === where.account &&
      c.region === where.region
    );
  });
  const keys = entries.filter((e): e is KeySeenEntry => {
    const k = e as KeySeenEntry;
    return k.type === 'key-seen' && (!k.storeId || k.storeId === storeId);
  });
  if (calls.length === 0 && keys.length === 0) return undefined;
  // the confirmed delete, else the intent: the store is gone, so the call went through
  const confirmed = calls.find((c) => c.phase === 'outcome' && c.outcome !== 'error');
  const at = confirmed ?? calls[0];
  return {
    storeId,
    ...(at ? { deletedOn: new Date(at.time) } : {}),
    source: 'journal',
    clusterIds: unique(keys.map((k) => k.clusterId)),
    keys,
  };
}

/** KMS writes responseElements dates as "Dec 3, 2026, 12:00:00 AM" (UTC, no zone) or as ISO. */
function trailDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let d = new Date(value);
  if (typeof value === 'string' && !/Z|[+-]\d\d:?\d\d$/.test(value)) d = new Date(`${value} UTC`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function field(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

const ok = (e: TrailEvent) => !e.detail.errorCode;

/**
 * CloudTrail's record of the store (event history, 90 days). `deep`: also its creation and its
 * keys' creation (only needed when the journal knows no cluster: LookupEvents is 2 per second).
 */
export async function deletionFromCloudTrail(
  aws: AwsPorts,
  storeId: string,
  now: Date,
  deep: boolean,
): Promise<StoreDeletion | undefined> {
  const trail = aws.cloudtrail();
  const startTime = new Date(now.getTime() - HISTORY_MS);
  const deletes = (
    await trail.lookupEvents({ attributeKey: 'EventName', attributeValue: DELETE_CUSTOM_KEY_STORE, startTime })
  ).filter((e) => ok(e) && field(e.detail, 'requestParameters', 'customKeyStoreId') === storeId);
  const clusterIds: Array<string | undefined> = [];
  const keys: KeySeenEntry[] = [];
  let name: string | undefined;
  let creationDate: Date | undefined;
  if (deep) {
    const creates = await trail.lookupEvents({
      attributeKey: 'EventName',
      attributeValue: 'CreateCustomKeyStore',
      startTime,
    });
    for (const e of creates.filter(ok)) {
      if (field(e.detail, 'responseElements', 'customKeyStoreId') !== storeId) continue;
      clusterIds.push(field(e.detail, 'requestParameters', 'cloudHsmClusterId') as string | undefined);
      const n = field(e.detail, 'requestParameters', 'customKeyStoreName');
      if (typeof n === 'string') name = n;
      creationDate = e.eventTime;
    }
    const created = await trail.lookupEvents({ attributeKey: 'EventName', attributeValue: 'CreateKey', startTime });
    for (const e of created.filter(ok)) {
      const md = field(e.detail, 'responseElements', 'keyMetadata');
      if (field(md, 'customKeyStoreId') !== storeId) continue;
      const cluster = field(md, 'cloudHsmClusterId');
      clusterIds.push(typeof cluster === 'string' ? cluster : undefined);
      const keyId = field(md, 'keyId');
      const arn = field(md, 'arn');
      const date = trailDate(field(md, 'creationDate')) ?? e.eventTime;
      if (typeof keyId === 'string')
        keys.push({
          type: 'key-seen',
          time: e.eventTime.toISOString(),
          keyId,
          arn: typeof arn === 'string' ? arn : '',
          creationDate: date.toISOString(),
          storeId,
          ...(typeof cluster === 'string' ? { clusterId: cluster } : {}),
        });
    }
  }
  if (deletes.length === 0 && keys.length === 0 && clusterIds.every((c) => !c)) return undefined;
  const first = deletes.sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime())[0];
  return {
    storeId,
    ...(first ? { deletedOn: first.eventTime } : {}),
    source: 'cloudtrail',
    clusterIds: unique(clusterIds),
    keys,
    ...(name ? { name } : {}),
    ...(creationDate ? { creationDate } : {}),
  };
}

/** Two records of the same store joined: the journal's date first (kscli's own), every cluster and key. */
export function joinDeletions(a: StoreDeletion | undefined, b: StoreDeletion | undefined): StoreDeletion | undefined {
  if (!a || !b) return a ?? b;
  const seen = new Set(a.keys.map((k) => k.keyId));
  const deletedOn = a.deletedOn ?? b.deletedOn;
  const name = a.name ?? b.name;
  const creationDate = a.creationDate ?? b.creationDate;
  return {
    storeId: a.storeId,
    ...(deletedOn ? { deletedOn } : {}),
    source: a.deletedOn ? a.source : b.deletedOn ? b.source : a.source,
    clusterIds: unique([...a.clusterIds, ...b.clusterIds]),
    keys: [...a.keys, ...b.keys.filter((k) => !seen.has(k.keyId))],
    ...(name ? { name } : {}),
    ...(creationDate ? { creationDate } : {}),
  };
}

/** "deleted on 2026-12-01T10:00:00.000Z (journal)" or "no longer exists" when the date is unknown. */
export function deletedPhrase(d: StoreDeletion): string {
  if (!d.deletedOn) return 'no longer exists';
  const by = d.source === 'cloudtrail' ? 'CloudTrail DeleteCustomKeyStore' : d.source;
  return `was deleted on ${d.deletedOn.toISOString()} (${by})`;
}

/**
 * The store as after-care sees it once it is gone: a CloudHSM store (only those leave key
 * material behind), disconnected (AWS deletes only a disconnected store), on the recorded cluster.
 * Its creation date is the earliest fact known (a backup taken before it cannot hold its keys); with
 * none known, the epoch: every backup of the cluster counts (the safe side).
 */
export function storeFromRecord(d: StoreDeletion): StoreInfo {
  const dates = [d.creationDate, ...d.keys.map((k) => new Date(k.creationDate))].filter(
    (x): x is Date => x !== undefined && !Number.isNaN(x.getTime()),
  );
  const earliest = dates.sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    id: d.storeId,
    name: d.name ?? '(deleted)',
    type: 'AWS_CLOUDHSM',
    connectionState: 'DISCONNECTED',
    ...(d.clusterIds[0] ? { clusterId: d.clusterIds[0] } : {}),
    creationDate: earliest ?? new Date(0),
  };
}
