/**
 * AWS Backup (REST-JSON: `GET /backup-vaults/`, `GET /backup-vaults/{name}/recovery-points/`,
 * `PUT|GET|DELETE /backup-vaults/{name}`; server/protocols/rest-routes.ts maps paths and query
 * strings to these inputs): ListBackupVaults, ListRecoveryPointsByBackupVault with
 * EncryptionKeyArn, CreateBackupVault, DescribeBackupVault, DeleteBackupVault. MaxResults 1-1000
 * (aws-facts-data-at-rest B). Recovery points of resource types AWS Backup does not fully manage
 * inherit the source's encryption, so their EncryptionKeyArn is the source's key, not the vault's.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import { resolveKeyArn } from '../data/keys.js';
import type { VaultRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

function vaultArn(acc: Account, name: string): string {
  return `arn:aws:backup:${acc.region}:${acc.accountId}:backup-vault:${name}`;
}

function notFound(name: unknown): SandboxError {
  return new SandboxError('ResourceNotFoundException', `Backup vault ${String(name)} does not exist.`, 404);
}

function keyType(acc: Account, arn: string): string {
  const id = arn.split('/').pop() ?? '';
  return acc.keyById.get(id)?.manager === 'AWS' ? 'AWS_OWNED_KMS_KEY' : 'CUSTOMER_MANAGED_KMS_KEY';
}

function pageOf<T>(input: Record<string, unknown>, items: T[], fp: string): { page: T[]; next?: string } {
  const limit = intInRange(
    input.MaxResults,
    'maxResults',
    1,
    1000,
    1000,
    (m) => new SandboxError('InvalidParameterValueException', `maxResults: ${m}`),
  );
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidParameterValueException', 'Invalid NextToken');
    start = body.p;
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return { page, ...(end < items.length ? { next: encodeToken({ p: end, f: fp }) } : {}) };
}

function vaultOut(acc: Account, v: VaultRecord): Record<string, unknown> {
  return {
    BackupVaultName: v.name,
    BackupVaultArn: vaultArn(acc, v.name),
    VaultType: 'BACKUP_VAULT',
    CreationDate: new Date(v.created),
    EncryptionKeyArn: v.encryptionKeyArn,
    NumberOfRecoveryPoints: v.recoveryPoints.length,
    Locked: false,
    EncryptionKeyType: keyType(acc, v.encryptionKeyArn),
  };
}

const listBackupVaults: Handler = (acc, input) => {
  const p = pageOf(input, dataView(acc).vaults, 'vaults');
  return { BackupVaultList: p.page.map((v) => vaultOut(acc, v)), ...(p.next ? { NextToken: p.next } : {}) };
};

function findVault(acc: Account, name: unknown): VaultRecord {
  const v = dataView(acc).vaults.find((x) => x.name === name);
  if (!v) throw notFound(name);
  return v;
}

const listRecoveryPointsByBackupVault: Handler = (acc, input) => {
  const v = findVault(acc, input.BackupVaultName);
  let items = v.recoveryPoints;
  if (typeof input.ByResourceArn === 'string') items = items.filter((r) => r.resourceArn === input.ByResourceArn);
  if (typeof input.ByResourceType === 'string') items = items.filter((r) => r.resourceType === input.ByResourceType);
  const p = pageOf(input, items, fingerprint([v.name, input.ByResourceArn, input.ByResourceType]));
  return {
    RecoveryPoints: p.page.map((r) => ({
      RecoveryPointArn: r.arn,
      BackupVaultName: v.name,
      BackupVaultArn: vaultArn(acc, v.name),
      ResourceArn: r.resourceArn,
      ResourceType: r.resourceType,
      IamRoleArn: `arn:aws:iam::${acc.accountId}:role/service-role/AWSBackupDefaultServiceRole`,
      Status: r.status,
      CreationDate: new Date(r.created),
      CompletionDate: new Date(r.created + 600_000),
      BackupSizeInBytes: r.bytes,
      ...(r.encryptionKeyArn
        ? { EncryptionKeyArn: r.encryptionKeyArn, EncryptionKeyType: keyType(acc, r.encryptionKeyArn) }
        : {}),
      IsEncrypted: r.encrypted,
      VaultType: 'BACKUP_VAULT',
    })),
    ...(p.next ? { NextToken: p.next } : {}),
  };
};

const describeBackupVault: Handler = (acc, input) => vaultOut(acc, findVault(acc, input.BackupVaultName));

const createBackupVault: Handler = (acc, input) => {
  const name = input.BackupVaultName;
  if (typeof name !== 'string' || !/^[A-Za-z0-9\-_]{2,50}$/.test(name))
    throw new SandboxError(
      'InvalidParameterValueException',
      'BackupVaultName must be 2-50 characters of [a-zA-Z0-9-_].',
    );
  if (dataView(acc).vaults.some((v) => v.name === name))
    throw new SandboxError('AlreadyExistsException', `Backup vault with the same name ${name} already exists`);
  let key: string | undefined;
  if (typeof input.EncryptionKeyArn === 'string') {
    key = resolveKeyArn(acc, input.EncryptionKeyArn);
    if (!key)
      throw new SandboxError('InvalidParameterValueException', `Invalid EncryptionKeyArn ${input.EncryptionKeyArn}`);
  } else {
    const backupKey = acc.aliasByName.get('alias/aws/backup');
    key = backupKey ? acc.keyArn(backupKey.keyId) : acc.keyArn('00000000-0000-4000-8000-00000000b4c0');
  }
  const v: VaultRecord = { name, created: acc.nowMs(), encryptionKeyArn: key, recoveryPoints: [] };
  dataOf(acc).vaults.push(v);
  changed(acc);
  return { BackupVaultName: name, BackupVaultArn: vaultArn(acc, name), CreationDate: new Date(v.created) };
};

const deleteBackupVault: Handler = (acc, input) => {
  const v = findVault(acc, input.BackupVaultName);
  if (v.recoveryPoints.length > 0)
    throw new SandboxError(
      'InvalidRequestException',
      'Backup vault cannot be deleted because it contains recovery points.',
    );
  const d = dataOf(acc);
  d.vaults = d.vaults.filter((x) => x !== v);
  changed(acc);
  return {};
};

export const backupHandlers: Record<string, Handler> = {
  ListBackupVaults: listBackupVaults,
  ListRecoveryPointsByBackupVault: listRecoveryPointsByBackupVault,
  DescribeBackupVault: describeBackupVault,
  CreateBackupVault: createBackupVault,
  DeleteBackupVault: deleteBackupVault,
};
