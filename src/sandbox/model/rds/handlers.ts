/**
 * Amazon RDS (the query protocol: form body, XML answer whose lists name their members
 * `<DBInstance>`, `<DBCluster>`, ...: server/xml-encode.ts): DescribeDBInstances,
 * DescribeDBClusters, DescribeDBSnapshots, DescribeDBClusterSnapshots, with Marker/MaxRecords
 * paging (20-100; aws-facts-data-at-rest B). RDS answers KmsKeyId as it stored it (key ARN in
 * practice; the scenario also holds other forms, which aws-facts A lists for Config's copy) and has
 * no filter by key.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { dataView } from '../data/access.js';
import type { DbClusterRecord, DbInstanceRecord, DbSnapshotRecord } from '../data/state.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

/** `Filters.Filter.1.Name`: the decoder gives `{ Filter: [...] }` (or one object). */
function rdsList(v: unknown, member: string): Array<Record<string, unknown>> {
  if (v === undefined || v === null) return [];
  const inner = Array.isArray(v) ? v : (v as Record<string, unknown>)[member];
  if (inner === undefined) return [];
  return (Array.isArray(inner) ? inner : [inner]) as Array<Record<string, unknown>>;
}

function filtersOf(input: Record<string, unknown>): Array<{ name: string; values: string[] }> {
  return rdsList(input.Filters, 'Filter').map((f) => ({
    name: String(f.Name ?? ''),
    values: rdsList(f.Values, 'Value').map(String),
  }));
}

function paged<T>(input: Record<string, unknown>, items: T[], fp: string): { page: T[]; marker?: string } {
  const max = input.MaxRecords === undefined ? 100 : Number(input.MaxRecords);
  if (!Number.isInteger(max) || max < 20 || max > 100)
    throw new SandboxError('InvalidParameterValue', 'Invalid value for MaxRecords. Must be between 20 and 100');
  let start = 0;
  if (input.Marker !== undefined && input.Marker !== '') {
    const body = decodeToken(input.Marker, fp);
    if (!body || typeof body.p !== 'number') throw new SandboxError('InvalidParameterValue', 'Invalid Marker');
    start = body.p;
  }
  const page = items.slice(start, start + max);
  const end = start + page.length;
  return { page, ...(end < items.length ? { marker: encodeToken({ p: end, f: fp }) } : {}) };
}

function applyFilters<T>(
  items: T[],
  filters: Array<{ name: string; values: string[] }>,
  known: Record<string, (x: T) => string | undefined>,
): T[] {
  for (const f of filters)
    if (!known[f.name]) throw new SandboxError('InvalidParameterValue', `Unrecognized filter name: ${f.name}`);
  return items.filter((x) => filters.every((f) => f.values.includes(known[f.name]!(x) ?? '')));
}

function instanceOut(acc: Account, db: DbInstanceRecord): Record<string, unknown> {
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceClass: db.instanceClass,
    Engine: db.engine,
    DBInstanceStatus: db.status,
    AllocatedStorage: db.storage,
    InstanceCreateTime: new Date(db.created),
    AvailabilityZone: db.az,
    MultiAZ: false,
    EngineVersion: db.engineVersion,
    StorageType: 'gp3',
    StorageEncrypted: db.encrypted,
    ...(db.kmsKeyId ? { KmsKeyId: db.kmsKeyId } : {}),
    DbiResourceId: db.resourceId,
    DBInstanceArn: `arn:aws:rds:${acc.region}:${acc.accountId}:db:${db.id}`,
    ...(db.clusterId ? { DBClusterIdentifier: db.clusterId } : {}),
    PerformanceInsightsEnabled: Boolean(db.performanceInsightsKmsKeyId),
    ...(db.performanceInsightsKmsKeyId ? { PerformanceInsightsKMSKeyId: db.performanceInsightsKmsKeyId } : {}),
    DeletionProtection: false,
    TagList: [],
  };
}

const describeDBInstances: Handler = (acc, input) => {
  let items = dataView(acc).dbInstances;
  const id = input.DBInstanceIdentifier;
  if (typeof id === 'string') {
    items = items.filter((d) => d.id === id);
    if (items.length === 0) throw new SandboxError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
  }
  const filters = filtersOf(input);
  items = applyFilters(items, filters, {
    'db-instance-id': (d) => d.id,
    'db-cluster-id': (d) => d.clusterId,
    engine: (d) => d.engine,
    'dbi-resource-id': (d) => d.resourceId,
  });
  const p = paged(input, items, fingerprint([id, filters]));
  return { DBInstances: p.page.map((d) => instanceOut(acc, d)), ...(p.marker ? { Marker: p.marker } : {}) };
};

function clusterOut(acc: Account, c: DbClusterRecord): Record<string, unknown> {
  return {
    DBClusterIdentifier: c.id,
    Status: c.status,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    ClusterCreateTime: new Date(c.created),
    MultiAZ: false,
    StorageEncrypted: c.encrypted,
    ...(c.kmsKeyId ? { KmsKeyId: c.kmsKeyId } : {}),
    DbClusterResourceId: c.resourceId,
    DBClusterArn: `arn:aws:rds:${acc.region}:${acc.accountId}:cluster:${c.id}`,
    DBClusterMembers: c.members.map((m, i) => ({
      DBInstanceIdentifier: m,
      IsClusterWriter: i === 0,
      PromotionTier: 1,
    })),
    ...(c.activityStreamKmsKeyId
      ? { ActivityStreamKmsKeyId: c.activityStreamKmsKeyId, ActivityStreamStatus: 'started' }
      : {}),
    ...(c.performanceInsightsKmsKeyId
      ? { PerformanceInsightsEnabled: true, PerformanceInsightsKMSKeyId: c.performanceInsightsKmsKeyId }
      : {}),
    DeletionProtection: false,
    TagList: [],
  };
}

const describeDBClusters: Handler = (acc, input) => {
  let items = dataView(acc).dbClusters;
  const id = input.DBClusterIdentifier;
  if (typeof id === 'string') {
    items = items.filter((c) => c.id === id);
    if (items.length === 0) throw new SandboxError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
  }
  const filters = filtersOf(input);
  items = applyFilters(items, filters, { 'db-cluster-id': (c) => c.id, engine: (c) => c.engine });
  const p = paged(input, items, fingerprint([id, filters]));
  return { DBClusters: p.page.map((c) => clusterOut(acc, c)), ...(p.marker ? { Marker: p.marker } : {}) };
};

function snapshotsOf(
  input: Record<string, unknown>,
  all: DbSnapshotRecord[],
  idField: string,
  sourceField: string,
  notFound: string,
): DbSnapshotRecord[] {
  let items = all;
  const id = input[idField];
  if (typeof id === 'string') {
    items = items.filter((s) => s.id === id);
    if (items.length === 0) throw new SandboxError(notFound, `Snapshot ${id} not found.`, 404);
  }
  const source = input[sourceField];
  if (typeof source === 'string') items = items.filter((s) => s.sourceId === source);
  // without SnapshotType RDS lists automated and manual snapshots (shared and public ones only on request)
  if (typeof input.SnapshotType === 'string') items = items.filter((s) => s.type === input.SnapshotType);
  return items;
}

const describeDBSnapshots: Handler = (acc, input) => {
  const filters = filtersOf(input);
  const items = applyFilters(
    snapshotsOf(input, dataView(acc).dbSnapshots, 'DBSnapshotIdentifier', 'DBInstanceIdentifier', 'DBSnapshotNotFound'),
    filters,
    {
      'db-snapshot-id': (s) => s.id,
      'db-instance-id': (s) => s.sourceId,
      'snapshot-type': (s) => s.type,
      engine: (s) => s.engine,
    },
  );
  const p = paged(
    input,
    items,
    fingerprint([input.DBSnapshotIdentifier, input.DBInstanceIdentifier, input.SnapshotType, filters]),
  );
  return {
    DBSnapshots: p.page.map((s) => ({
      DBSnapshotIdentifier: s.id,
      DBInstanceIdentifier: s.sourceId,
      SnapshotCreateTime: new Date(s.created),
      Engine: s.engine,
      AllocatedStorage: s.storage,
      Status: s.status,
      SnapshotType: s.type,
      Encrypted: s.encrypted,
      ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
      DBSnapshotArn: `arn:aws:rds:${acc.region}:${acc.accountId}:snapshot:${s.id}`,
      StorageType: 'gp3',
      TagList: [],
    })),
    ...(p.marker ? { Marker: p.marker } : {}),
  };
};

const describeDBClusterSnapshots: Handler = (acc, input) => {
  const filters = filtersOf(input);
  const items = applyFilters(
    snapshotsOf(
      input,
      dataView(acc).dbClusterSnapshots,
      'DBClusterSnapshotIdentifier',
      'DBClusterIdentifier',
      'DBClusterSnapshotNotFoundFault',
    ),
    filters,
    {
      'db-cluster-snapshot-id': (s) => s.id,
      'db-cluster-id': (s) => s.sourceId,
      'snapshot-type': (s) => s.type,
      engine: (s) => s.engine,
    },
  );
  const p = paged(
    input,
    items,
    fingerprint([input.DBClusterSnapshotIdentifier, input.DBClusterIdentifier, input.SnapshotType, filters]),
  );
  return {
    DBClusterSnapshots: p.page.map((s) => ({
      DBClusterSnapshotIdentifier: s.id,
      DBClusterIdentifier: s.sourceId,
      SnapshotCreateTime: new Date(s.created),
      Engine: s.engine,
      AllocatedStorage: s.storage,
      Status: s.status,
      SnapshotType: s.type,
      StorageEncrypted: s.encrypted,
      ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
      DBClusterSnapshotArn: `arn:aws:rds:${acc.region}:${acc.accountId}:cluster-snapshot:${s.id}`,
      TagList: [],
    })),
    ...(p.marker ? { Marker: p.marker } : {}),
  };
};

export const rdsHandlers: Record<string, Handler> = {
  DescribeDBInstances: describeDBInstances,
  DescribeDBClusters: describeDBClusters,
  DescribeDBSnapshots: describeDBSnapshots,
  DescribeDBClusterSnapshots: describeDBClusterSnapshots,
};
