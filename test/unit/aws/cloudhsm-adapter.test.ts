import { SITE, serviceError, testClients } from './sdk-test-env.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudHSMV2Client,
  DeleteBackupCommand,
  DescribeBackupsCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-cloudhsm-v2';
import { CloudHsmAdapter } from '../../../src/aws/adapters/cloudhsm.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

// the 3.332 client's types predate the @smithy types aws-sdk-client-mock is written against; the
// runtime is the same (it stubs `send`), so the mock is typed loosely here
const hsm: any = mockClient(CloudHSMV2Client as any);
const adapter = () => {
  const clients = testClients();
  return new CloudHsmAdapter(() => clients.get('cloudhsm'), SITE);
};

beforeEach(() => hsm.reset());
// the unit project shares modules between files (vitest.config.ts): a class-level mock must not outlive this file
afterAll(() => hsm.restore());

describe('describeBackups', () => {
  it('filters by cluster ids and pages at 50 per page', async () => {
    const inputs: unknown[] = [];
    // the 3.332 paginator reuses one input object across pages: record copies
    hsm.on(DescribeBackupsCommand).callsFake(async (input: { NextToken?: string }) => {
      inputs.push(structuredClone(input));
      return input.NextToken
        ? {
            Backups: [
              {
                BackupId: 'backup-2',
                BackupState: 'PENDING_DELETION',
                ClusterId: 'cluster-b',
                DeleteTimestamp: new Date(9000),
              },
            ],
          }
        : {
            Backups: [
              {
                BackupId: 'backup-1',
                BackupState: 'READY',
                ClusterId: 'cluster-a',
                CreateTimestamp: new Date(1000),
                NeverExpires: false,
                SourceRegion: 'eu-west-1',
                SourceBackup: 'backup-0',
                SourceCluster: 'cluster-z',
              },
            ],
            NextToken: 'n1',
          };
    });
    const backups = await adapter().describeBackups(['cluster-a', 'cluster-b']);
    expect(inputs).toEqual([
      { Filters: { clusterIds: ['cluster-a', 'cluster-b'] }, MaxResults: 50 },
      { Filters: { clusterIds: ['cluster-a', 'cluster-b'] }, MaxResults: 50, NextToken: 'n1' },
    ]);
    expect(backups).toEqual([
      {
        backupId: 'backup-1',
        state: 'READY',
        clusterId: 'cluster-a',
        createTimestamp: new Date(1000),
        neverExpires: false,
        sourceRegion: 'eu-west-1',
        sourceBackup: 'backup-0',
        sourceCluster: 'cluster-z',
      },
      { backupId: 'backup-2', state: 'PENDING_DELETION', clusterId: 'cluster-b', deleteTimestamp: new Date(9000) },
    ]);
  });

  it('asks nothing for no clusters (an empty filter would list every backup)', async () => {
    expect(await adapter().describeBackups([])).toEqual([]);
    expect(hsm.commandCalls(DescribeBackupsCommand)).toHaveLength(0);
  });
});

describe('clusters', () => {
  const cluster = (id: string, sourceBackupId?: string) => ({
    ClusterId: id,
    State: 'ACTIVE',
    ...(sourceBackupId ? { SourceBackupId: sourceBackupId } : {}),
    Hsms: [
      { HsmId: 'hsm-1', State: 'ACTIVE' },
      { HsmId: 'hsm-2', State: 'DEGRADED' },
    ],
    CreateTimestamp: new Date(2000),
  });

  it('describeCluster filters by id and answers null when nothing matches', async () => {
    hsm.on(DescribeClustersCommand).resolves({ Clusters: [cluster('cluster-a')] });
    expect(await adapter().describeCluster('cluster-a')).toEqual({
      clusterId: 'cluster-a',
      state: 'ACTIVE',
      hsmCount: 2,
      activeHsmCount: 1,
      hsms: [
        { hsmId: 'hsm-1', state: 'ACTIVE' },
        { hsmId: 'hsm-2', state: 'DEGRADED' },
      ],
      createTimestamp: new Date(2000),
    });
    expect(hsm.commandCalls(DescribeClustersCommand)[0]!.args[0].input).toEqual({
      Filters: { clusterIds: ['cluster-a'] },
    });
    hsm.on(DescribeClustersCommand).resolves({ Clusters: [] });
    expect(await adapter().describeCluster('cluster-x')).toBeNull();
  });

  it('describeClustersFromBackups pages every cluster at 25 and keeps those restored from the backups', async () => {
    hsm.on(DescribeClustersCommand).callsFake(async (input: { NextToken?: string; MaxResults?: number }) => {
      expect(input.MaxResults).toBe(25);
      return input.NextToken
        ? { Clusters: [cluster('cluster-c', 'backup-1')] }
        : { Clusters: [cluster('cluster-a'), cluster('cluster-b', 'backup-9')], NextToken: 'n' };
    });
    const clusters = await adapter().describeClustersFromBackups(['backup-1', 'backup-2']);
    expect(clusters.map((c) => [c.clusterId, c.sourceBackupId])).toEqual([['cluster-c', 'backup-1']]);
  });
});

describe('deleteBackup', () => {
  it('returns the backup AWS answered, and maps denial to exit 4', async () => {
    hsm
      .on(DeleteBackupCommand, { BackupId: 'backup-1' })
      .resolves({ Backup: { BackupId: 'backup-1', BackupState: 'PENDING_DELETION', DeleteTimestamp: new Date(3000) } });
    expect(await adapter().deleteBackup('backup-1')).toEqual({
      backupId: 'backup-1',
      state: 'PENDING_DELETION',
      deleteTimestamp: new Date(3000),
    });
    hsm.on(DeleteBackupCommand).rejects(serviceError('CloudHsmAccessDeniedException', 'denied'));
    const error = await adapter()
      .deleteBackup('backup-1')
      .catch((e: unknown) => e);
    expect((error as KscliError).exitCode).toBe(ExitCode.Credentials);
  });
});

describe('PricingAdapter price documents', () => {
  it('reads the CloudHSM v2 HSM-hour from a price document string; classic CloudHSM and other Regions are not it', async () => {
    const { hourlyPriceOf, isCloudHsmV2 } = await import('../../../src/aws/adapters/pricing.js');
    const doc = (usagetype: string, family: string, region: string, usd: string) =>
      JSON.stringify({
        product: { attributes: { usagetype, instanceFamily: family, regionCode: region } },
        terms: {
          OnDemand: {
            'X.Y': {
              effectiveDate: '2026-11-01T00:00:00Z',
              priceDimensions: { 'X.Y.Z': { unit: 'Hrs', pricePerUnit: { USD: usd } } },
            },
          },
        },
      });
    expect(hourlyPriceOf(doc('USW2-CloudHSMv2Usage', 'CloudHSM-v2', 'us-west-2', '1.4500000000'), 'us-west-2')).toEqual(
      {
        region: 'us-west-2',
        usdPerHour: 1.45,
        effectiveDate: '2026-11-01T00:00:00Z',
        usageType: 'USW2-CloudHSMv2Usage',
      },
    );
    expect(hourlyPriceOf(doc('USW2-CloudHSMUsage', 'CloudHSM-v1', 'us-west-2', '1.9'), 'us-west-2')).toBeUndefined();
    expect(hourlyPriceOf(doc('CloudHSMv2Usage', 'CloudHSM-v2', 'us-east-1', '1.6'), 'us-west-2')).toBeUndefined();
    expect(hourlyPriceOf('not json', 'us-east-1')).toBeUndefined();
    expect(isCloudHsmV2({ instanceFamily: 'CloudHSM-v2' })).toBe(true);
  });
});
