/**
 * CopyBackupToRegion: the one CloudHSM call that writes to another Region's cell, so the
 * organization model (org/org-model.ts) routes it here with both cells at hand.
 *
 * What AWS documents (API_CopyBackupToRegion, API_DestinationBackup): the copy lives in
 * DestinationRegion of the same account, its CreateTimestamp is the source backup's, and it names
 * its origin in SourceBackup / SourceCluster / SourceRegion (DescribeBackups there, filter
 * `sourceBackupIds`). Copies have no retention policy (manage-backup-retention): they stay until
 * deleted by hand.
 * UNCONFIRMED: the copy's own ClusterId. The sandbox gives it the source cluster's ID (so a
 * `clusterIds` filter in the destination Region finds it too); kscli looks copies up by
 * `sourceBackupIds`, which works whether AWS sets ClusterId or not.
 * Simplification: the copy is READY at once (AWS shows CREATE_IN_PROGRESS for a while).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { BackupRecord } from '../state.js';

const REGION = /^[a-z]{2}(-(gov))?-(east|west|north|south|central){1,2}-\d$/;

function invalidRequest(message: string): SandboxError {
  return new SandboxError('CloudHsmInvalidRequestException', message);
}

/**
 * Copies `input.BackupId` from `source` (the caller's Region) to the cell `destination(region)`
 * returns (made on demand; undefined: the Region is not enabled for the account).
 */
export function copyBackupToRegion(
  source: Account | undefined,
  sourceRegion: string,
  input: Record<string, unknown>,
  destination: (region: string) => Account | undefined,
): Record<string, unknown> {
  const region = input.DestinationRegion;
  if (typeof region !== 'string' || !REGION.test(region))
    throw invalidRequest(`Invalid DestinationRegion: ${String(region)}.`);
  if (region === sourceRegion) throw invalidRequest('DestinationRegion must differ from the source backup Region.');
  const b = source?.state.backups.find((x) => x.id === input.BackupId);
  if (!b) throw new SandboxError('CloudHsmResourceNotFoundException', `Backup ${String(input.BackupId)} not found.`);
  if (b.state !== 'READY')
    throw invalidRequest(`Backup ${b.id} is in state ${b.state}. Only backups in state READY can be copied.`);
  const dest = destination(region);
  if (!dest) throw invalidRequest(`Region ${region} is not enabled for this account.`);
  const copy: BackupRecord = {
    id: `backup-${dest.ids.hex(11)}`,
    clusterId: b.clusterId,
    state: 'READY',
    created: b.created,
    copied: dest.nowMs(),
    sourceBackup: b.id,
    sourceRegion,
    sourceCluster: b.sourceCluster ?? b.clusterId,
  };
  dest.state.backups.push(copy);
  dest.dueStale = true;
  dest.dirty = true;
  return {
    DestinationBackup: {
      CreateTimestamp: new Date(b.created),
      SourceBackup: b.id,
      SourceCluster: copy.sourceCluster,
      SourceRegion: sourceRegion,
    },
  };
}
