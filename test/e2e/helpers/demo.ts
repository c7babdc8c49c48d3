/**
 * The sandbox's demo account (issue 4, "The demo scenario"; the README walks through it). The key
 * IDs are fixed by the scenario so that documentation and tests can name them.
 */
export const DEMO = {
  account: '111122223333',
  region: 'us-east-1',
  /** CloudHSM store, CONNECTED, 5 keys */
  hsmStore: 'cks-1234567890abcdef0',
  hsmCluster: 'cluster-1a23b4cdefg',
  /** CloudHSM store, DISCONNECTED, no keys: can be deleted at once */
  idleStore: 'cks-0987654321fedcba0',
  /** external key store, CONNECTED, 2 Enabled keys */
  xksStore: 'cks-11111111111111111',
  trail: 'management-events',
  logGroup: 'aws-cloudtrail-logs-111122223333',
  topicArn: 'arn:aws:sns:us-east-1:111122223333:kms-alerts',
  keys: {
    /** Enabled, never used (alias/reports-archive) */
    unusedA: '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11',
    /** Enabled, never used */
    unusedB: '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60',
    /** Enabled, used for Decrypt 3 days ago by a role (alias/payments-legacy, a grant to rds.amazonaws.com) */
    used: '1234abcd-12ab-34cd-56ef-1234567890ab',
    /** Disabled, never used */
    disabled: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    /** PendingDeletion, deleted in 5 days */
    pending: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  },
  keyArn: (keyId: string, region = 'us-east-1', account = '111122223333') =>
    `arn:aws:kms:${region}:${account}:key/${keyId}`,
} as const;
