/**
 * Amazon EC2's EBS volumes and snapshots (the ec2 query protocol: form body, XML answer; outputs
 * here already use EC2's wire names: `volumeSet`, `item` lists, lowerCamel members, which
 * server/protocols/ec2-query.ts writes as XML): DescribeVolumes, DescribeSnapshots (filters,
 * MaxResults/NextToken paging), CreateVolume, CreateSnapshot, DeleteVolume, DeleteSnapshot.
 *
 * EC2 reports the key of an encrypted volume or snapshot as a key ARN, whatever CreateVolume was
 * given (aws-facts-data-at-rest B); there is no filter by key, only `encrypted`. Without
 * MaxResults EC2 answers everything in one page.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import { resolveKeyArn } from '../data/keys.js';
import type { SnapshotRecord, VolumeRecord } from '../data/state.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { ebsGrant } from './grants.js';

/** A query-protocol list (`VolumeId.1`, `Filter.1.Value.1`) as the decoder gives it: an array, or one value. */
export function listOf(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function invalidParameter(message: string): SandboxError {
  return new SandboxError('InvalidParameterValue', message);
}

type Filter = { name: string; values: string[] };

function filtersOf(input: Record<string, unknown>): Filter[] {
  return listOf(input.Filter).map((f) => {
    const r = (f ?? {}) as Record<string, unknown>;
    return { name: String(r.Name ?? ''), values: listOf(r.Value).map(String) };
  });
}

function tagSet(tags: Record<string, string> | undefined): Array<{ key: string; value: string }> {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

/** Filter values allow `*` and `?` wildcards, as EC2's do. */
function matchValue(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

function page<T>(
  input: Record<string, unknown>,
  items: T[],
  min: number,
  max: number,
  fp: string,
  hasIds: boolean,
): { page: T[]; next?: string } {
  if (input.MaxResults === undefined) return { page: items };
  const n = Number(input.MaxResults);
  if (hasIds)
    throw new SandboxError(
      'InvalidParameterCombination',
      'The parameter MaxResults cannot be used with the parameter VolumeIds or SnapshotIds',
    );
  if (!Number.isInteger(n) || n < min)
    throw invalidParameter(
      `Value ( ${String(input.MaxResults)} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
    );
  // Above the maximum EC2 answers a full page, not an error ("if you specify a value larger than
  // 500, only 500 items are returned", DescribeVolumes; 1,000 for DescribeSnapshots): the AWS CLI
  // sends MaxResults 1000 to DescribeVolumes by default and works (UNCONFIRMED for other callers:
  // kscli sends each operation's own maximum, valid either way)
  const size = Math.min(n, max);
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number') throw invalidParameter('The specified NextToken is not valid.');
    start = body.p;
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return { page: slice, ...(end < items.length ? { next: encodeToken({ p: end, f: fp }) } : {}) };
}

function volumeItem(v: VolumeRecord): Record<string, unknown> {
  return {
    volumeId: v.id,
    size: v.size,
    snapshotId: v.snapshotId ?? '',
    availabilityZone: v.az,
    status: v.state,
    createTime: new Date(v.created),
    attachmentSet: v.attachedTo
      ? [
          {
            volumeId: v.id,
            instanceId: v.attachedTo,
            device: '/dev/xvda',
            status: 'attached',
            attachTime: new Date(v.created),
            deleteOnTermination: true,
          },
        ]
      : [],
    volumeType: v.type,
    ...(v.type === 'gp3' ? { iops: 3000, throughput: 125 } : {}),
    encrypted: v.encrypted,
    ...(v.kmsKeyId ? { kmsKeyId: v.kmsKeyId } : {}),
    ...(v.tags ? { tagSet: tagSet(v.tags) } : {}),
    multiAttachEnabled: false,
  };
}

const VOLUME_FILTERS: Record<string, (v: VolumeRecord) => string | undefined> = {
  encrypted: (v) => String(v.encrypted),
  'volume-id': (v) => v.id,
  status: (v) => v.state,
  'availability-zone': (v) => v.az,
  'volume-type': (v) => v.type,
  'snapshot-id': (v) => v.snapshotId,
  size: (v) => String(v.size),
  'attachment.instance-id': (v) => v.attachedTo,
};

function filterBy<T extends { tags?: Record<string, string> }>(
  items: T[],
  filters: Filter[],
  known: Record<string, (x: T) => string | undefined>,
): T[] {
  for (const f of filters)
    if (!known[f.name] && !f.name.startsWith('tag:') && f.name !== 'tag-key')
      throw invalidParameter(`The filter '${f.name}' is invalid`);
  return items.filter((x) =>
    filters.every((f) => {
      const value = f.name.startsWith('tag:')
        ? x.tags?.[f.name.slice(4)]
        : f.name === 'tag-key'
          ? undefined
          : known[f.name]!(x);
      if (f.name === 'tag-key') return Object.keys(x.tags ?? {}).some((k) => f.values.some((p) => matchValue(p, k)));
      return value !== undefined && f.values.some((p) => matchValue(p, value));
    }),
  );
}

const describeVolumes: Handler = (acc, input) => {
  const ids = listOf(input.VolumeId).map(String);
  let items = dataView(acc).volumes;
  if (ids.length > 0) {
    const byId = new Map(items.map((v) => [v.id, v]));
    for (const id of ids)
      if (!byId.has(id)) throw new SandboxError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    items = ids.map((id) => byId.get(id)!);
  }
  const filters = filtersOf(input);
  items = filterBy(items, filters, VOLUME_FILTERS);
  const p = page(input, items, 5, 500, fingerprint([filters, ids]), ids.length > 0);
  return { volumeSet: p.page.map(volumeItem), ...(p.next ? { nextToken: p.next } : {}) };
};

function snapshotItem(acc: Account, s: SnapshotRecord): Record<string, unknown> {
  return {
    snapshotId: s.id,
    volumeId: s.volumeId,
    status: s.state,
    startTime: new Date(s.created),
    progress: s.state === 'completed' ? '100%' : '0%',
    ownerId: acc.accountId,
    volumeSize: s.size,
    description: s.description ?? '',
    encrypted: s.encrypted,
    ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    ...(s.tags ? { tagSet: tagSet(s.tags) } : {}),
    storageTier: 'standard',
  };
}

const SNAPSHOT_FILTERS: Record<string, (s: SnapshotRecord) => string | undefined> = {
  encrypted: (s) => String(s.encrypted),
  'snapshot-id': (s) => s.id,
  'volume-id': (s) => s.volumeId,
  status: (s) => s.state,
  description: (s) => s.description ?? '',
  'volume-size': (s) => String(s.size),
};

const describeSnapshots: Handler = (acc, input) => {
  const ids = listOf(input.SnapshotId).map(String);
  const owners = listOf(input.OwnerId).map(String);
  // the sandbox holds only the account's own snapshots: other owners (amazon, another account) see none
  const mine = owners.length === 0 || owners.some((o) => o === 'self' || o === acc.accountId);
  let items = mine ? dataView(acc).snapshots : [];
  if (ids.length > 0) {
    const byId = new Map(dataView(acc).snapshots.map((s) => [s.id, s]));
    for (const id of ids)
      if (!byId.has(id)) throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    items = ids.map((id) => byId.get(id)!);
  }
  const filters = filtersOf(input);
  items = filterBy(items, filters, { ...SNAPSHOT_FILTERS, 'owner-id': () => acc.accountId });
  const p = page(input, items, 5, 1000, fingerprint([filters, ids, owners]), ids.length > 0);
  return { snapshotSet: p.page.map((s) => snapshotItem(acc, s)), ...(p.next ? { nextToken: p.next } : {}) };
};

/** The key a new encrypted volume gets: the one named (as an ARN), else the account's aws/ebs key. */
function volumeKey(acc: Account, input: Record<string, unknown>, inherited?: string): string | undefined {
  if (typeof input.KmsKeyId === 'string') {
    const arn = resolveKeyArn(acc, input.KmsKeyId);
    if (!arn) throw new SandboxError('InvalidKmsKey.NotFound', `The KMS key ${input.KmsKeyId} does not exist.`);
    return arn;
  }
  if (inherited) return inherited;
  if (String(input.Encrypted) !== 'true') return undefined;
  const ebs = acc.aliasByName.get('alias/aws/ebs');
  if (!ebs) throw new SandboxError('InvalidKmsKey.NotFound', 'The account has no aws/ebs key.');
  return acc.keyArn(ebs.keyId);
}

function tagsFrom(input: Record<string, unknown>): Record<string, string> | undefined {
  const specs = listOf(input.TagSpecification);
  const out: Record<string, string> = {};
  for (const s of specs)
    for (const t of listOf((s as Record<string, unknown>)?.Tag)) {
      const r = t as Record<string, unknown>;
      if (typeof r.Key === 'string') out[r.Key] = String(r.Value ?? '');
    }
  return Object.keys(out).length > 0 ? out : undefined;
}

const createVolume: Handler = (acc, input) => {
  const az = input.AvailabilityZone;
  if (typeof az !== 'string' || !az.startsWith(acc.region))
    throw invalidParameter(`Invalid availability zone: [${String(az)}]`);
  const snap =
    typeof input.SnapshotId === 'string' ? dataView(acc).snapshots.find((s) => s.id === input.SnapshotId) : undefined;
  if (typeof input.SnapshotId === 'string' && !snap)
    throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotId}' does not exist.`);
  const size = input.Size !== undefined ? Number(input.Size) : snap?.size;
  if (!size || !Number.isInteger(size) || size < 1 || size > 65536)
    throw invalidParameter('The parameter Size is invalid.');
  const kmsKeyId = volumeKey(acc, input, snap?.kmsKeyId);
  const v: VolumeRecord = {
    id: `vol-${acc.ids.hex(17)}`,
    created: acc.nowMs(),
    size,
    az,
    type: typeof input.VolumeType === 'string' ? input.VolumeType : 'gp2',
    state: 'available',
    encrypted: Boolean(kmsKeyId),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(snap ? { snapshotId: snap.id } : {}),
  };
  const tags = tagsFrom(input);
  if (tags) v.tags = tags;
  // EC2's grant on the key for the new volume (a key of another account keeps its grants there)
  const keyId = kmsKeyId?.split('/').pop();
  if (keyId && kmsKeyId!.includes(`:${acc.accountId}:`) && acc.keyById.has(keyId)) ebsGrant(acc, keyId, v.id);
  dataOf(acc).volumes.push(v);
  changed(acc);
  return volumeItem(v);
};

const createSnapshot: Handler = (acc, input) => {
  const vol = dataView(acc).volumes.find((v) => v.id === input.VolumeId);
  if (!vol) throw new SandboxError('InvalidVolume.NotFound', `The volume '${String(input.VolumeId)}' does not exist.`);
  const s: SnapshotRecord = {
    id: `snap-${acc.ids.hex(17)}`,
    volumeId: vol.id,
    created: acc.nowMs(),
    size: vol.size,
    state: 'completed',
    encrypted: vol.encrypted,
    ...(vol.kmsKeyId ? { kmsKeyId: vol.kmsKeyId } : {}),
    ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
  };
  const tags = tagsFrom(input);
  if (tags) s.tags = tags;
  dataOf(acc).snapshots.push(s);
  changed(acc);
  return snapshotItem(acc, s);
};

const deleteVolume: Handler = (acc, input) => {
  const d = dataOf(acc);
  const v = d.volumes.find((x) => x.id === input.VolumeId);
  if (!v) throw new SandboxError('InvalidVolume.NotFound', `The volume '${String(input.VolumeId)}' does not exist.`);
  if (v.state === 'in-use')
    throw new SandboxError('VolumeInUse', `Volume ${v.id} is currently attached to ${v.attachedTo}`);
  d.volumes = d.volumes.filter((x) => x !== v);
  changed(acc);
  return { return: true };
};

const deleteSnapshot: Handler = (acc, input) => {
  const d = dataOf(acc);
  const s = d.snapshots.find((x) => x.id === input.SnapshotId);
  if (!s)
    throw new SandboxError('InvalidSnapshot.NotFound', `The snapshot '${String(input.SnapshotId)}' does not exist.`);
  d.snapshots = d.snapshots.filter((x) => x !== s);
  changed(acc);
  return { return: true };
};

export const ec2Handlers: Record<string, Handler> = {
  DescribeVolumes: describeVolumes,
  DescribeSnapshots: describeSnapshots,
  CreateVolume: createVolume,
  CreateSnapshot: createSnapshot,
  DeleteVolume: deleteVolume,
  DeleteSnapshot: deleteSnapshot,
};
