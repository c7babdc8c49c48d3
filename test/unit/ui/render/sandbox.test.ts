import { describe, expect, it } from 'vitest';
import { renderAdvance, renderStatus } from '../../../../src/ui/render/sandbox.js';

describe('kscli sandbox output', () => {
  it('advance names each deleted key with SUCCESS or FAILURE (orphaned material), transitions and purged backups', () => {
    const text = renderAdvance({
      from: new Date('2026-11-23T00:00:00Z'),
      to: new Date('2026-12-24T00:00:00Z'),
      deletedKeys: [
        { keyId: 'k-ok', storeId: 'cks-1', backingKeysDeletionStatus: 'SUCCESS' },
        { keyId: 'k-orphan', storeId: 'cks-1', backingKeysDeletionStatus: 'FAILURE' },
        { keyId: 'k-plain' },
      ],
      storeTransitions: [{ storeId: 'cks-1', from: 'DISCONNECTING', to: 'DISCONNECTED' }],
      purgedBackups: ['backup-1'],
    });
    expect(text).toContain('sandbox clock moved 31 days');
    expect(text).toMatch(/k-ok\s+cks-1\s+SUCCESS/);
    expect(text).toMatch(/k-orphan\s+cks-1\s+FAILURE \(orphaned/);
    expect(text).toMatch(/cks-1\s+DISCONNECTING\s+DISCONNECTED/);
    expect(text).toContain('backup-1');
    expect(text).not.toContain('nothing came due');
  });

  it('advance says so when nothing came due', () => {
    expect(
      renderAdvance({
        from: new Date(0),
        to: new Date(3_600_000),
        deletedKeys: [],
        storeTransitions: [],
        purgedBackups: [],
      }),
    ).toContain('nothing came due');
  });

  it('status shows the clock, stores with key counts per state, and alarms', () => {
    const text = renderStatus(
      {
        now: new Date('2026-11-23T12:00:00Z'),
        accountId: '111122223333',
        stores: [
          {
            id: 'cks-1234567890abcdef0',
            name: 'demo',
            type: 'AWS_CLOUDHSM',
            connectionState: 'CONNECTED',
            keyStates: { Enabled: 3, Disabled: 1, PendingDeletion: 1 },
          },
        ],
        keysOutsideStores: 23,
        alarms: [{ name: 'kms-pending-deletion-use', state: 'ALARM' }],
        backups: [],
      },
      '/tmp/s.json',
    );
    expect(text).toContain('clock 2026-11-23T12:00:00.000Z');
    expect(text).toMatch(
      /cks-1234567890abcdef0\s+demo\s+AWS_CLOUDHSM\s+CONNECTED\s+Enabled 3, Disabled 1, PendingDeletion 1/,
    );
    expect(text).toContain('keys outside custom key stores: 23');
    expect(text).toMatch(/kms-pending-deletion-use\s+ALARM/);
  });

  it('status of an organization lists its OUs (the IDs --ou takes) and its accounts with the role to assume', () => {
    const text = renderStatus(
      {
        accountId: '111122223333',
        now: new Date('2026-11-30T00:00:00Z'),
        stores: [],
        keysOutsideStores: 0,
        alarms: [],
        backups: [],
        estate: {
          organizationId: 'o-1',
          accounts: 2,
          regions: ['us-east-1'],
          storedCells: 1,
          stores: 0,
          organizationalUnits: [{ id: 'ou-k5c1-dev00001', name: 'Dev', path: 'Workloads/Dev' }],
          memberAccounts: [
            {
              id: '200000000002',
              name: 'dev-0002',
              state: 'ACTIVE',
              parentId: 'ou-k5c1-dev00001',
              access: 'OrganizationAccountAccessRole (ExternalId kscli-audit)',
            },
          ],
        },
      },
      '/s.json',
    );
    expect(text).toContain('organizational units (for --ou): ou-k5c1-dev00001 Workloads/Dev');
    expect(text).toMatch(
      /200000000002\s+dev-0002\s+ACTIVE\s+Workloads\/Dev\s+OrganizationAccountAccessRole \(ExternalId kscli-audit\)/,
    );
  });
});
