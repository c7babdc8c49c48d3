/**
 * AWS Backup on the wire (REST-JSON; the SDK v3 drops the model's trailing slash, botocore keeps
 * it: both match): the routes of the vault and recovery-point operations and
 * their inputs (path labels and query strings under the model's member names: `maxResults` ->
 * MaxResults, `resourceArn` -> ByResourceArn, ...). Answers are the default JSON.
 */
import { SandboxError } from '../../contract.js';
import type { RestCodec, RestRequest } from '../../services/entry.js';

const QUERY_MEMBERS: Record<string, string> = {
  maxResults: 'MaxResults',
  nextToken: 'NextToken',
  resourceArn: 'ByResourceArn',
  resourceType: 'ByResourceType',
  backupVaultAccountId: 'BackupVaultAccountId',
};

function decode(_operation: string, req: RestRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (req.body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      throw new SandboxError('SerializationException', 'The request body is not valid JSON.');
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(input, parsed);
  }
  for (const [k, v] of Object.entries(req.query)) {
    const member = QUERY_MEMBERS[k];
    if (member) input[member] = member === 'MaxResults' ? Number(v) : v;
  }
  if (req.labels.backupVaultName !== undefined) input.BackupVaultName = req.labels.backupVaultName;
  return input;
}

export const backupCodec: RestCodec = {
  routes: [
    { method: 'GET', path: '/backup-vaults', operation: 'ListBackupVaults' },
    {
      method: 'GET',
      path: '/backup-vaults/{backupVaultName}/recovery-points',
      operation: 'ListRecoveryPointsByBackupVault',
    },
    { method: 'GET', path: '/backup-vaults/{backupVaultName}', operation: 'DescribeBackupVault' },
    { method: 'PUT', path: '/backup-vaults/{backupVaultName}', operation: 'CreateBackupVault' },
    { method: 'DELETE', path: '/backup-vaults/{backupVaultName}', operation: 'DeleteBackupVault' },
  ],
  decode,
};
