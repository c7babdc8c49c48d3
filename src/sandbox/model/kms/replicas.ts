/**
 * Multi-Region keys (API reference ReplicateKey, UpdatePrimaryRegion; developer guide
 * "Multi-Region keys"). A primary key (`mrk-` id) is replicated into another Region of the same
 * account: the replica has the same key id, key spec, usage, origin and key material (so a
 * ciphertext or signature of one is good with the other) and its own ARN, policy, tags,
 * description and state. Imported-material primaries replicate without material (PendingImport):
 * the same material must be imported into the replica.
 *
 * A Region's state is its own cell (org/org-model.ts); the organization model binds each KMS
 * call's account to its sibling cells (bindRegions) so that ReplicateKey can create the replica
 * there. An account model used alone (no sibling cells) refuses ReplicateKey with a clear error.
 *
 * Simplifications (README): a replica is Enabled at once (AWS shows Creating for a while), the
 * primary is Updating for no time during UpdatePrimaryRegion, rotation status is copied when the
 * replica is made but not synchronized afterwards, and a primary with replicas can be scheduled
 * for deletion (AWS holds it in PendingReplicaDeletion until its replicas are gone).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { recordApiCall } from '../cloudtrail/trail-events.js';
import type { Handler } from '../handler.js';
import type { KeyRecord } from '../state.js';
import { keyMetadata, requirePendingNot, resolveKey, visibleState } from './keys.js';
import { checkPolicyFor, checkPolicyText, defaultKeyPolicy } from './policies.js';
import { applyTags, checkTags } from './tags.js';
import { optionalString, requiredString } from './validate.js';

/** The other Regions of the same account, as the organization model gives them. */
export interface RegionPeers {
  /** the account's state in a Region (create: make it when the account has none there yet) */
  cell(region: string, create: boolean): Account | undefined;
  /** whether the account may use the Region (enabled, not opted out) */
  enabled(region: string): boolean;
}

const peers = new WeakMap<Account, RegionPeers>();

export function bindRegions(acc: Account, p: RegionPeers): void {
  peers.set(acc, p);
}

const REGION_RULE = { min: 1, max: 32, pattern: /^([a-z]+-){2,3}\d+$/ };

function arnIn(acc: Account, region: string, id: string): string {
  return `arn:aws:kms:${region}:${acc.accountId}:key/${id}`;
}

/** The key record of a multi-Region key in another Region of this account, if any. */
function peerKey(acc: Account, region: string, id: string): KeyRecord | undefined {
  if (region === acc.region) return acc.keyById.get(id);
  return peers.get(acc)?.cell(region, false)?.keyById.get(id);
}

function primaryRegionOf(acc: Account, k: KeyRecord): string {
  return k.multiRegion?.primaryRegion ?? acc.region;
}

/** DescribeKey's MultiRegionConfiguration: the primary, and every replica (this key too when a replica). */
export function multiRegionConfiguration(acc: Account, k: KeyRecord): Record<string, unknown> {
  const primaryRegion = primaryRegionOf(acc, k);
  const primary = peerKey(acc, primaryRegion, k.id) ?? k;
  const replicas = (primary.multiRegion?.replicaRegions ?? []).filter(
    // a replica deleted since (its waiting period over) is no longer listed
    (r) => r === acc.region || !peers.has(acc) || peerKey(acc, r, k.id) !== undefined,
  );
  return {
    MultiRegionKeyType: primaryRegion === acc.region ? 'PRIMARY' : 'REPLICA',
    PrimaryKey: { Arn: arnIn(acc, primaryRegion, k.id), Region: primaryRegion },
    ReplicaKeys: replicas.map((r) => ({ Arn: arnIn(acc, r, k.id), Region: r })),
  };
}

function unsupported(message: string): SandboxError {
  return new SandboxError('UnsupportedOperationException', message);
}

/** A multi-Region primary key in a state that allows ReplicateKey / UpdatePrimaryRegion. */
function requirePrimary(acc: Account, k: KeyRecord, op: string): void {
  if (!k.id.startsWith('mrk-'))
    throw unsupported(`${acc.keyArn(k.id)} is not a multi-Region key; ${op} works on multi-Region primary keys only.`);
  const primaryRegion = primaryRegionOf(acc, k);
  if (primaryRegion !== acc.region)
    throw unsupported(
      `${acc.keyArn(k.id)} is a replica key; call ${op} on its primary key ${arnIn(acc, primaryRegion, k.id)}.`,
    );
  requirePendingNot(acc, k);
  // UNCONFIRMED: the operations list DisabledException; the key-state table is read as refusing a
  // Disabled primary, the same way as the cryptographic operations
  if (visibleState(acc, k) === 'Disabled')
    throw new SandboxError('DisabledException', `${acc.keyArn(k.id)} is disabled.`);
}

function peersFor(acc: Account, op: string): RegionPeers {
  const p = peers.get(acc);
  if (!p)
    throw unsupported(
      `${op} needs the account's other Regions, which this sandbox model does not have (run it through kscli sandbox serve).`,
    );
  return p;
}

const replicateKey: Handler = (acc, input, ctx) => {
  const k = resolveKey(acc, input.KeyId, false);
  const region = requiredString(input, 'ReplicaRegion', REGION_RULE);
  const description = optionalString(input, 'Description', { min: 0, max: 8192 });
  const policy = checkPolicyText(input, false);
  const tags = checkTags(input.Tags, false);
  requirePrimary(acc, k, 'ReplicateKey');
  const p = peersFor(acc, 'ReplicateKey');
  if (
    region === acc.region ||
    k.multiRegion?.replicaRegions.includes(region) ||
    p.cell(region, false)?.keyById.has(k.id)
  )
    // AWS: "If the Region already includes a replica of the key ..., ReplicateKey returns an AlreadyExistsException"
    throw new SandboxError(
      'AlreadyExistsException',
      region === acc.region
        ? `${acc.keyArn(k.id)} is already in ${region}: a replica must be in another Region.`
        : `A replica of ${acc.keyArn(k.id)} already exists in ${region}.`,
    );
  if (!p.enabled(region))
    throw unsupported(
      `Region ${region} is not enabled for account ${acc.accountId}; enable it before replicating into it.`,
    );
  const target = p.cell(region, true)!;
  // the replica's cell answers with the same account's Regions (its MultiRegionConfiguration)
  bindRegions(target, p);
  if (policy !== undefined) checkPolicyFor(target, ctx, policy, input.BypassPolicyLockoutSafetyCheck);
  const replica: KeyRecord = {
    id: k.id,
    created: target.nowMs(),
    // imported material is not copied: the replica waits for the same material (API reference)
    state: k.origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    multiRegion: { primaryRegion: acc.region, replicaRegions: [] },
  };
  if (k.spec) replica.spec = k.spec;
  if (k.usage) replica.usage = k.usage;
  if (k.origin) replica.origin = k.origin;
  if (k.material && k.origin !== 'EXTERNAL') replica.material = k.material;
  if (k.imported?.materialHash) replica.imported = { materialHash: k.imported.materialHash };
  if (k.rotation) replica.rotation = { ...k.rotation };
  if (description) replica.description = description;
  if (policy !== undefined) replica.policy = policy;
  if (tags && tags.length > 0) applyTags(target, replica, tags);
  k.multiRegion = { primaryRegion: acc.region, replicaRegions: [...(k.multiRegion?.replicaRegions ?? []), region] };
  acc.dirty = true;
  target.addKey(replica);
  const out = {
    ReplicaKeyMetadata: keyMetadata(target, replica),
    ReplicaPolicy: policy ?? defaultKeyPolicy(target, replica),
    ReplicaTags: tags ?? [],
  };
  // AWS records ReplicateKey in the primary's Region and a CreateKey in the replica's Region
  recordApiCall(
    target,
    { ...ctx, operation: 'CreateKey', region },
    {},
    { output: { KeyMetadata: out.ReplicaKeyMetadata } },
  );
  return out;
};

/**
 * UpdatePrimaryRegion: the replica in PrimaryRegion becomes the primary, the old primary a
 * replica; every related key sees the new configuration at once.
 */
const updatePrimaryRegion: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const region = requiredString(input, 'PrimaryRegion', REGION_RULE);
  requirePrimary(acc, k, 'UpdatePrimaryRegion');
  const p = peersFor(acc, 'UpdatePrimaryRegion');
  const replicas = k.multiRegion?.replicaRegions ?? [];
  const next = replicas.includes(region) ? p.cell(region, false)?.keyById.get(k.id) : undefined;
  if (!next)
    throw new SandboxError(
      'NotFoundException',
      `${acc.keyArn(k.id)} has no replica in ${region} to make the primary key.`,
    );
  const others = [acc.region, ...replicas.filter((r) => r !== region)];
  next.multiRegion = { primaryRegion: region, replicaRegions: others };
  for (const r of others) {
    const cell = r === acc.region ? acc : p.cell(r, false);
    const key = cell?.keyById.get(k.id);
    if (!cell || !key) continue;
    key.multiRegion = { primaryRegion: region, replicaRegions: [] };
    cell.dirty = true;
  }
  p.cell(region, false)!.dirty = true;
  return {};
};

export const replicaHandlers: Record<string, Handler> = {
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
};
