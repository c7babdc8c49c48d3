/**
 * The `large` scenario's resources, made from a seed when first read (access.ts): `count`
 * resources spread over every type the data services hold, a share `storeShare` of them encrypted
 * under keys of the custom key store `storeId` (so that a store's dependents exist to be found),
 * the rest under other keys of the account, AWS managed keys or none. Ids come from the index (no
 * randomness to draw per id), so 50,000 resources take a few tens of milliseconds.
 */
import type { Account } from '../account.js';
import { seededRandom } from '../seeded-random.js';
import { DAY_MS } from '../state.js';
import { emptyData, type DataState, type GeneratedData, type VaultRecord } from './state.js';

function hex(i: number, width: number): string {
  return i.toString(16).padStart(width, '0');
}

/** The share of each type among generated resources (cumulative thresholds). */
const MIX: Array<[number, string]> = [
  [0.3, 'volume'],
  [0.55, 'snapshot'],
  [0.6, 'bucket'],
  [0.66, 'dbInstance'],
  [0.76, 'dbSnapshot'],
  [0.82, 'table'],
  [0.88, 'secret'],
  [0.94, 'parameter'],
  [1, 'recoveryPoint'],
];

export function generateData(acc: Account, spec: GeneratedData): DataState {
  const d = emptyData();
  const rand = seededRandom(spec.seed);
  const storeKeys: string[] = [];
  const otherKeys: string[] = [];
  for (const k of acc.state.keys) {
    if (k.manager === 'AWS') continue;
    if (spec.storeId && k.storeId === spec.storeId) storeKeys.push(k.id);
    else if (!k.storeId) otherKeys.push(k.id);
  }
  const now = spec.at;
  const region = acc.region;
  const account = acc.accountId;
  const vault: VaultRecord = {
    name: 'generated-vault',
    created: now - 300 * DAY_MS,
    encryptionKeyArn:
      otherKeys.length > 0 ? acc.keyArn(otherKeys[0]!) : acc.keyArn('00000000-0000-4000-8000-000000000000'),
    recoveryPoints: [],
  };
  d.vaults.push(vault);
  for (let i = 0; i < spec.count; i++) {
    const r = rand();
    const kind = MIX.find(([t]) => r < t)![1];
    const k = rand();
    // a store key for storeShare of the resources, another key for most others, none for a few
    const keyId =
      k < spec.storeShare && storeKeys.length > 0
        ? storeKeys[Math.floor(rand() * storeKeys.length)]
        : k < 0.9 && otherKeys.length > 0
          ? otherKeys[Math.floor(rand() * otherKeys.length)]
          : undefined;
    const keyArn = keyId ? acc.keyArn(keyId) : undefined;
    const created = now - Math.floor(1 + rand() * 700) * DAY_MS;
    const id = hex(i, 17);
    switch (kind) {
      case 'volume':
        d.volumes.push({
          id: `vol-${id}`,
          created,
          size: 8 + (i % 500),
          az: `${region}a`,
          type: 'gp3',
          state: 'in-use',
          encrypted: Boolean(keyArn),
          ...(keyArn ? { kmsKeyId: keyArn } : {}),
        });
        break;
      case 'snapshot':
        d.snapshots.push({
          id: `snap-${id}`,
          volumeId: `vol-${hex(i + 1, 17)}`,
          created,
          size: 8 + (i % 500),
          state: 'completed',
          encrypted: Boolean(keyArn),
          ...(keyArn ? { kmsKeyId: keyArn } : {}),
        });
        break;
      case 'bucket':
        d.buckets.push({
          name: `generated-bucket-${id}`,
          created,
          region,
          // S3 keeps the key as given: alternate key ID and key ARN
          sse: keyId
            ? { algorithm: 'aws:kms', kmsKeyId: i % 2 === 0 ? keyId : keyArn, bucketKey: true }
            : { algorithm: 'AES256' },
        });
        break;
      case 'dbInstance':
        d.dbInstances.push({
          id: `generated-db-${id}`,
          created,
          engine: 'postgres',
          engineVersion: '16.4',
          instanceClass: 'db.t4g.medium',
          storage: 100,
          status: 'available',
          encrypted: Boolean(keyArn),
          ...(keyArn ? { kmsKeyId: keyArn } : {}),
          az: `${region}a`,
          resourceId: `db-${id.toUpperCase()}`,
        });
        break;
      case 'dbSnapshot':
        d.dbSnapshots.push({
          id: `generated-snap-${id}`,
          sourceId: `generated-db-${id}`,
          created,
          engine: 'postgres',
          status: 'available',
          encrypted: Boolean(keyArn),
          ...(keyArn ? { kmsKeyId: keyArn } : {}),
          type: 'manual',
          storage: 100,
        });
        break;
      case 'table':
        d.tables.push({
          name: `generated-table-${id}`,
          id: `${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}`,
          created,
          status: 'ACTIVE',
          hashKey: 'pk',
          items: i % 1000,
          bytes: (i % 1000) * 100,
          ...(keyArn ? { kmsKeyArn: keyArn } : {}),
        });
        break;
      case 'secret':
        d.secrets.push({
          name: `generated/secret-${id}`,
          arn: `arn:aws:secretsmanager:${region}:${account}:secret:generated/secret-${id}-${id.slice(-6)}`,
          created,
          changed: created,
          ...(keyArn ? { kmsKeyId: keyArn } : {}),
        });
        break;
      case 'parameter':
        d.parameters.push({
          name: `/generated/param-${id}`,
          type: keyId ? 'SecureString' : 'String',
          ...(keyId ? { keyId } : {}),
          modified: created,
          version: 1,
          tier: 'Standard',
        });
        break;
      default:
        vault.recoveryPoints.push({
          arn: `arn:aws:ec2:${region}::snapshot/snap-${hex(i, 17)}`,
          resourceArn: `arn:aws:ec2:${region}:${account}:volume/vol-${hex(i + 2, 17)}`,
          resourceType: 'EBS',
          created,
          status: 'COMPLETED',
          encrypted: Boolean(keyArn),
          ...(keyArn ? { encryptionKeyArn: keyArn } : {}),
          bytes: 1_000_000,
        });
    }
  }
  return d;
}
