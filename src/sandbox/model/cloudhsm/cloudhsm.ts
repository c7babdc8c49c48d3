/**
 * CloudHSM v2: clusters and backups (aws-facts 7). A deleted backup stays PENDING_DELETION for
 * 7 days and can be restored meanwhile; timeline.ts purges it afterwards. Errors carry a message
 * (the HTTP layer sends it as `Message`).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { DAY_MS, type BackupRecord, type ClusterRecord } from '../state.js';

export const BACKUP_PENDING_DELETION_MS = 7 * DAY_MS;

function invalidRequest(message: string): SandboxError {
  return new SandboxError('CloudHsmInvalidRequestException', message);
}

function filters(input: Record<string, unknown>, allowed: string[]): Record<string, string[]> {
  const f = (input.Filters ?? {}) as Record<string, unknown>;
  if (typeof f !== 'object' || f === null) throw invalidRequest('Filters must be a map of string lists.');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(f)) {
    if (!allowed.includes(k)) throw invalidRequest(`Invalid filter key: ${k}. Valid keys: ${allowed.join(', ')}.`);
    if (!Array.isArray(v)) throw invalidRequest(`Filter ${k} must be a list of strings.`);
    out[k] = v.map(String);
  }
  return out;
}

function maxResults(value: unknown, max: number): number {
  if (value === undefined || value === null) return max;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidRequest(`MaxResults must be between 1 and ${max}.`);
  return n;
}

function page<T>(items: T[], token: unknown, fp: string, max: number): { page: T[]; next?: string } {
  let start = 0;
  if (token !== undefined && token !== null) {
    const body = decodeToken(token, fp);
    if (!body || typeof body.p !== 'number' || body.p > items.length) throw invalidRequest('Invalid NextToken.');
    start = body.p;
  }
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return { page: slice, next: end < items.length ? encodeToken({ p: end, f: fp }) : undefined };
}

export function clusterOutput(c: ClusterRecord): Record<string, unknown> {
  return {
    BackupPolicy: 'DEFAULT',
    BackupRetentionPolicy: { Type: 'DAYS', Value: String(c.retentionDays) },
    ClusterId: c.id,
    CreateTimestamp: new Date(c.created),
    Hsms: c.hsms.map((h) => ({ ...h, ClusterId: c.id, StateMessage: h.State === 'ACTIVE' ? 'HSM created.' : '' })),
    HsmType: 'hsm2m.medium',
    ...(c.sourceBackupId ? { SourceBackupId: c.sourceBackupId } : {}),
    SecurityGroup: `sg-${c.id.slice(8, 25).padEnd(17, '0')}`,
    State: c.state,
    StateMessage: c.state === 'ACTIVE' ? 'The cluster is active.' : '',
    SubnetMapping: c.subnets,
    VpcId: c.vpcId,
    NetworkType: 'IPV4',
    Mode: 'FIPS',
    Certificates: { ClusterCertificate: '-----BEGIN CERTIFICATE-----\nSANDBOX\n-----END CERTIFICATE-----' },
    TagList: [],
  };
}

export function backupOutput(acc: Account, b: BackupRecord): Record<string, unknown> {
  return {
    BackupId: b.id,
    BackupArn: `arn:aws:cloudhsm:${acc.region}:${acc.accountId}:backup/${b.id}`,
    BackupState: b.state,
    ClusterId: b.clusterId,
    CreateTimestamp: new Date(b.created),
    ...(b.deleteAt !== undefined ? { DeleteTimestamp: new Date(b.deleteAt) } : {}),
    NeverExpires: b.neverExpires ?? false,
    ...(b.sourceBackup ? { SourceBackup: b.sourceBackup } : {}),
    ...(b.sourceRegion ? { SourceRegion: b.sourceRegion } : {}),
    ...(b.sourceCluster ? { SourceCluster: b.sourceCluster } : {}),
    ...(b.copied !== undefined ? { CopyTimestamp: new Date(b.copied) } : {}),
    HsmType: 'hsm2m.medium',
    Mode: 'FIPS',
    TagList: [],
  };
}

const describeClusters: Handler = (acc, input) => {
  const f = filters(input, ['clusterIds', 'vpcIds', 'states']);
  const max = maxResults(input.MaxResults, 25);
  const clusters = acc.state.clusters.filter(
    (c) =>
      (!f.clusterIds || f.clusterIds.includes(c.id)) &&
      (!f.vpcIds || f.vpcIds.includes(c.vpcId)) &&
      (!f.states || f.states.includes(c.state)),
  );
  const { page: items, next } = page(clusters, input.NextToken, fingerprint(f), max);
  return { Clusters: items.map((c) => clusterOutput(c)), ...(next ? { NextToken: next } : {}) };
};

const describeBackups: Handler = (acc, input) => {
  const f = filters(input, ['backupIds', 'sourceBackupIds', 'clusterIds', 'states', 'neverExpires']);
  const max = maxResults(input.MaxResults, 50);
  const ascending = input.SortAscending === true || input.SortAscending === 'true';
  const backups = acc.state.backups
    .filter(
      (b) =>
        (!f.backupIds || f.backupIds.includes(b.id)) &&
        (!f.clusterIds || f.clusterIds.includes(b.clusterId)) &&
        (!f.states || f.states.includes(b.state)) &&
        // a cross-Region copy names the backup it was copied from (CopyBackupToRegion)
        (!f.sourceBackupIds || (b.sourceBackup !== undefined && f.sourceBackupIds.includes(b.sourceBackup))) &&
        (!f.neverExpires || f.neverExpires.includes(String(b.neverExpires ?? false))),
    )
    .sort((a, b) => (ascending ? a.created - b.created : b.created - a.created));
  const { page: items, next } = page(backups, input.NextToken, fingerprint([f, ascending]), max);
  return { Backups: items.map((b) => backupOutput(acc, b)), ...(next ? { NextToken: next } : {}) };
};

function findBackup(acc: Account, id: unknown): BackupRecord {
  const b = acc.state.backups.find((x) => x.id === id);
  if (!b) throw new SandboxError('CloudHsmResourceNotFoundException', `Backup ${String(id)} not found.`);
  return b;
}

const deleteBackup: Handler = (acc, input) => {
  const b = findBackup(acc, input.BackupId);
  // aws-facts 7: only a READY backup can be deleted
  if (b.state !== 'READY')
    throw invalidRequest(`Backup ${b.id} is in state ${b.state}. Only backups in state READY can be deleted.`);
  b.state = 'PENDING_DELETION';
  b.deleteAt = acc.nowMs() + BACKUP_PENDING_DELETION_MS;
  acc.dueStale = true;
  acc.dirty = true;
  return { Backup: backupOutput(acc, b) };
};

const restoreBackup: Handler = (acc, input) => {
  const b = findBackup(acc, input.BackupId);
  if (b.state !== 'PENDING_DELETION')
    throw invalidRequest(
      `Backup ${b.id} is in state ${b.state}. Only backups in state PENDING_DELETION can be restored.`,
    );
  b.state = 'READY';
  delete b.deleteAt;
  acc.dueStale = true;
  acc.dirty = true;
  return { Backup: backupOutput(acc, b) };
};

export const cloudhsmHandlers: Record<string, Handler> = {
  DescribeClusters: describeClusters,
  DescribeBackups: describeBackups,
  DeleteBackup: deleteBackup,
  RestoreBackup: restoreBackup,
};
