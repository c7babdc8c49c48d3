/**
 * Orphaned key material: when a CloudHSM store's key is deleted, KMS makes a best effort to delete
 * its backing key from the cluster; if the store was disconnected or the kmsuser password changed,
 * the material stays in the cluster (aws-facts 2.4). The only trace is the CloudTrail DeleteKey
 * event (an AwsServiceEvent) whose additionalEventData.backingKeysDeletionStatus reports FAILURE.
 * CloudTrail event history covers 90 days (aws-facts 5).
 */
import type { AwsPorts, TrailEvent } from '../aws/ports.js';

export interface OrphanedMaterial {
  keyArn: string;
  clusterId?: string;
  keyHandles: string[];
  backingKeyIds: string[];
  eventTime: string;
  eventId: string;
}

/**
 * The clean-up of orphaned key material, in order. `disconnect` is the command that disconnects
 * the store, as the operator pastes it (Deps.nextStep: the run's --region, --profile, ...; issue
 * 23: a `<store>` placeholder had to be filled in by hand). `undefined` once the store is deleted
 * (delete-store's last phase): there is nothing to disconnect or reconnect, and a printed
 * disconnect-store would fail when pasted; the material stays in the cluster all the same.
 */
export const orphanCleanupSteps = (disconnect: string | undefined): string[] => [
  ...(disconnect !== undefined ? [`Disconnect the store (${disconnect}).`] : []),
  'Change the kmsuser password with cloudhsm_mgmt_util: changePswd CU kmsuser <new password> (7-32 letters and digits).',
  'Log in to key_mgmt_util as kmsuser and delete each handle: deleteKey -k <handle> (findKey -l <key ARN> finds a handle by its label).',
  'Log out.',
  ...(disconnect !== undefined
    ? [
        'If the store stays: UpdateCustomKeyStore --key-store-password <new password>, then reconnect it. If it is being deleted, skip this step (but do log out).',
      ]
    : []),
];

/** A field that AWS writes as a JSON string holding an array (or an object): parsed leniently. */
function parseList(value: unknown): Array<Record<string, unknown>> {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === 'object');
  if (v && typeof v === 'object') return [v as Record<string, unknown>];
  return [];
}

/** The orphan report of one DeleteKey event, or null when every backing key was deleted. */
export function orphanFromEvent(ev: TrailEvent, storeId: string): OrphanedMaterial | null {
  const extra = (ev.detail?.additionalEventData ?? {}) as Record<string, unknown>;
  if (extra.customKeyStoreId !== storeId) return null;
  const status = parseList(extra.backingKeysDeletionStatus);
  const failed = status.filter((s) => String(s.deletionStatus).toUpperCase() === 'FAILURE');
  if (failed.length === 0) return null;
  const backing = parseList(extra.backingKeys);
  const handles = new Set<string>();
  const ids = new Set<string>();
  for (const f of failed) {
    if (f.keyHandle !== undefined) handles.add(String(f.keyHandle));
    if (f.backingKeyId !== undefined) {
      ids.add(String(f.backingKeyId));
      const b = backing.find((x) => x.backingKeyId === f.backingKeyId);
      if (b?.keyHandle !== undefined) handles.add(String(b.keyHandle));
    }
  }
  if (handles.size === 0) for (const b of backing) if (b.keyHandle !== undefined) handles.add(String(b.keyHandle));
  const resources = (ev.detail?.resources ?? []) as Array<{ ARN?: string }>;
  return {
    keyArn: resources[0]?.ARN ?? 'unknown',
    clusterId: typeof extra.clusterId === 'string' ? extra.clusterId : undefined,
    keyHandles: [...handles],
    backingKeyIds: [...ids],
    eventTime: ev.eventTime.toISOString(),
    eventId: ev.eventId,
  };
}

export async function findOrphans(
  aws: AwsPorts,
  storeId: string,
  now: Date,
  onPage?: (n: number) => void,
): Promise<OrphanedMaterial[]> {
  const events = await aws.cloudtrail().lookupEvents(
    // no EndTime: CloudTrail's default is "now" on its side (the local clock may lag: e.g. the sandbox's)
    {
      attributeKey: 'EventName',
      attributeValue: 'DeleteKey',
      startTime: new Date(now.getTime() - 90 * 24 * 3600 * 1000),
    },
    onPage,
  );
  const out: OrphanedMaterial[] = [];
  for (const ev of events) {
    const o = orphanFromEvent(ev, storeId);
    if (o) out.push(o);
  }
  return out;
}
