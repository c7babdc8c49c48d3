/**
 * Issue 19's proof: "no key with data found under it is scheduled without --allow-data-loss, and
 * the override is journalled", judged from the WORLD: the resources the sandbox holds (each names
 * its key as a key ID, key ARN, alias name or alias ARN, resolved by the sandbox's own
 * resolveKeyArn, never by kscli's matcher), the recorder as the sandbox keeps it, the faults the
 * sandbox injected (its request log) and the journal. Never kscli's plan, verdict or output.
 *
 * The rule, per ScheduleKeyDeletion kscli ASKED for (whatever AWS answered) of a key the world holds
 * data under at the start of the run:
 *   DL1 the run carried --allow-data-loss, or --dependents off (the operator chose not to look:
 *       itself an override), or the data sits only where this run could not look (below) and the run
 *       carried --allow-unknown-usage (a gap makes the key `unknown`, whose override that is);
 *   DL2 ... and the flag that allowed it is in the journal's intent line for that call.
 *
 * "Could not look", from the world: a resource is visible to a run when AWS Config answered every
 * SelectResourceConfig of the run without an injected fault and the sandbox's recorder was
 * recording its type (Config's items: sandbox config/items.ts), or when every call of its direct
 * read (the AWS APIs that return the resource and its key) was called and answered without an
 * injected fault. A source the run never called counts as "could not look" too, so such a key may
 * go with --allow-unknown-usage alone; a kscli that skips a source and calls the key unused is
 * still caught, on every run without that flag.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { AwsPorts } from '../../../src/aws/ports.js';
import { DEMO_STORE_ID } from '../../../src/sandbox/model/index.js';
import type { Account } from '../../../src/sandbox/model/account.js';
import { changed, dataOf, dataView } from '../../../src/sandbox/model/data/access.js';
import { resolveKeyArn } from '../../../src/sandbox/model/data/keys.js';
import { CONFIG_TYPES, records } from '../../../src/sandbox/model/config/items.js';
import { DAY_MS } from '../../../src/sandbox/model/state.js';
import { InProcessSandbox, inProcessPorts, type LoggedRequest } from './in-process-sandbox.js';
import { journalPath, readJournal, runKscli, type KscliResult } from './kscli-in-process.js';
import { removeTree } from './remove-tree.js';

/** The AWS calls that return each type's resources with their key (aws-facts-data-at-rest B). */
export const DIRECT_CALLS: Record<string, string[]> = {
  'AWS::S3::Bucket': ['ListBuckets', 'GetBucketEncryption'],
  'AWS::EC2::Volume': ['DescribeVolumes'],
  'AWS::EC2::Snapshot': ['DescribeSnapshots'],
  'AWS::RDS::DBInstance': ['DescribeDBInstances'],
  'AWS::RDS::DBSnapshot': ['DescribeDBSnapshots'],
  'AWS::DynamoDB::Table': ['ListTables', 'DescribeTable'],
  'AWS::SecretsManager::Secret': ['ListSecrets'],
  'AWS::SSM::Parameter': ['DescribeParameters'],
  'AWS::Backup::BackupVault': ['ListBackupVaults'],
};

/** A resource of the world and the key ARN it names (resolved by the sandbox). */
export interface WorldResource {
  type: string;
  id: string;
  keyArn: string;
}

/** Every resource the account holds under a key, as the sandbox resolves the name it keeps. */
export function worldResources(acc: Account): WorldResource[] {
  const d = dataView(acc);
  const out: WorldResource[] = [];
  const add = (type: string, id: string, name: string | undefined) => {
    const keyArn = name ? resolveKeyArn(acc, name) : undefined;
    if (keyArn) out.push({ type, id, keyArn });
  };
  for (const b of d.buckets) if (b.region === acc.region) add('AWS::S3::Bucket', b.name, b.sse?.kmsKeyId);
  for (const v of d.volumes) add('AWS::EC2::Volume', v.id, v.kmsKeyId);
  for (const s of d.snapshots) add('AWS::EC2::Snapshot', s.id, s.kmsKeyId);
  for (const i of d.dbInstances) add('AWS::RDS::DBInstance', i.id, i.kmsKeyId);
  for (const s of d.dbSnapshots) add('AWS::RDS::DBSnapshot', s.id, s.kmsKeyId);
  for (const t of d.tables) add('AWS::DynamoDB::Table', t.name, t.kmsKeyArn);
  for (const s of d.secrets) add('AWS::SecretsManager::Secret', s.arn, s.kmsKeyId);
  for (const p of d.parameters) if (p.type === 'SecureString') add('AWS::SSM::Parameter', p.name, p.keyId);
  for (const v of d.vaults) add('AWS::Backup::BackupVault', v.name, v.encryptionKeyArn);
  return out;
}

/** What a world-generation step puts under the store's keys, and how each names its key. */
export type Placement = {
  kind: 'bucket' | 'volume' | 'snapshot' | 'db' | 'db-snapshot' | 'table' | 'secret' | 'parameter' | 'vault';
  /** index into the store's keys */
  key: number;
  form: 'id' | 'arn' | 'alias' | 'alias-arn';
};

export interface DataCase {
  seed: number;
  /**
   * keep the demo's data under the store (alias/reports-archive's bucket and snapshots). Without
   * it only the placed resources name store keys: a plan is blocked as a whole when ANY key is, so
   * a world where one key always protects data would never let a misread key through
   */
  demoData: boolean;
  placements: Placement[];
  recorder: { recording: boolean; types: string[] | 'all' };
  mode: 'auto' | 'config' | 'direct' | 'off';
  allowDataLoss: boolean;
  allowUnknownUsage: boolean;
  /** one operation answered with a 5xx every time (the SDK gave up), or none */
  fault?: string;
}

export const FAULT_OPS = [
  'SelectResourceConfig',
  'DescribeConfigurationRecorders',
  'DescribeSnapshots',
  'DescribeVolumes',
  'GetBucketEncryption',
  'ListSecrets',
  'DescribeDBInstances',
  'DescribeTable',
  'DescribeParameters',
  'ListBackupVaults',
];

export const dataCase: fc.Arbitrary<DataCase> = fc.record(
  {
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    demoData: fc.boolean(),
    placements: fc.array(
      fc.record({
        kind: fc.constantFrom<Placement['kind']>(
          'bucket',
          'volume',
          'snapshot',
          'db',
          'db-snapshot',
          'table',
          'secret',
          'parameter',
          'vault',
        ),
        key: fc.nat(20),
        form: fc.constantFrom<Placement['form']>('id', 'arn', 'alias', 'alias-arn'),
      }),
      { maxLength: 4 },
    ),
    recorder: fc.record({
      recording: fc.constantFrom(true, true, true, false),
      types: fc.oneof(fc.constant<'all'>('all'), fc.subarray([...CONFIG_TYPES])),
    }),
    mode: fc.constantFrom<DataCase['mode']>('auto', 'auto', 'config', 'direct', 'off'),
    allowDataLoss: fc.constantFrom(false, false, true),
    allowUnknownUsage: fc.boolean(),
    fault: fc.option(fc.constantFrom(...FAULT_OPS), { nil: undefined, freq: 2 }),
  },
  { requiredKeys: ['seed', 'demoData', 'placements', 'recorder', 'mode', 'allowDataLoss', 'allowUnknownUsage'] },
);

let counter = 0;

/** Puts the case's resources and recorder into the world (the sandbox's own records). */
export function buildWorld(sb: InProcessSandbox, c: DataCase): void {
  const acc = sb.model.acc;
  const d = dataOf(acc);
  const now = sb.model.now().getTime();
  const storeKeys = acc.state.keys.filter((k) => k.storeId === DEMO_STORE_ID);
  const rec = d.recorders[0]!;
  rec.recording = c.recorder.recording;
  rec.allSupported = c.recorder.types === 'all';
  rec.resourceTypes = c.recorder.types === 'all' ? [] : [...c.recorder.types];
  if (!rec.recording) rec.lastStop = now - 400 * DAY_MS; // stopped before any of the placed resources existed
  if (!c.demoData) {
    const inStore = (name: string | undefined) => {
      const arn = name ? resolveKeyArn(acc, name) : undefined;
      return arn !== undefined && storeKeys.some((k) => acc.keyArn(k.id) === arn);
    };
    d.buckets = d.buckets.filter((b) => !inStore(b.sse?.kmsKeyId));
    d.snapshots = d.snapshots.filter((x) => !inStore(x.kmsKeyId));
    d.volumes = d.volumes.filter((x) => !inStore(x.kmsKeyId));
  }
  for (const p of c.placements) {
    const key = storeKeys[p.key % storeKeys.length]!;
    const arn = acc.keyArn(key.id);
    const alias = [...acc.aliasByName.values()].find((a) => a.keyId === key.id)?.name;
    const aliasArn = alias ? `arn:aws:kms:${acc.region}:${acc.accountId}:${alias}` : undefined;
    // the form the resource keeps; services that store an ARN (EC2, DynamoDB, Backup, Secrets
    // Manager, RDS snapshots) resolve what they were given
    const asGiven =
      p.form === 'id' ? key.id : p.form === 'arn' ? arn : p.form === 'alias' ? (alias ?? key.id) : (aliasArn ?? arn);
    const n = ++counter;
    const hex = n.toString(16).padStart(17, '0');
    const created = now - 10 * DAY_MS;
    switch (p.kind) {
      case 'bucket':
        d.buckets.push({
          name: `dl-${n}`,
          created,
          region: acc.region,
          sse: { algorithm: 'aws:kms', kmsKeyId: asGiven },
        });
        break;
      case 'volume':
        d.volumes.push({
          id: `vol-${hex}`,
          created,
          size: 8,
          az: `${acc.region}a`,
          type: 'gp3',
          state: 'available',
          encrypted: true,
          kmsKeyId: arn,
        });
        break;
      case 'snapshot':
        d.snapshots.push({
          id: `snap-${hex}`,
          volumeId: `vol-${hex}`,
          created,
          size: 8,
          state: 'completed',
          encrypted: true,
          kmsKeyId: arn,
        });
        break;
      case 'db':
        d.dbInstances.push({
          id: `dl-db-${n}`,
          created,
          engine: 'postgres',
          engineVersion: '16.3',
          instanceClass: 'db.t4g.micro',
          storage: 20,
          status: 'available',
          encrypted: true,
          kmsKeyId: asGiven,
          az: `${acc.region}a`,
          resourceId: `db-DL${hex.toUpperCase()}`,
        });
        break;
      case 'db-snapshot':
        d.dbSnapshots.push({
          id: `dl-snap-${n}`,
          sourceId: 'gone-db',
          created,
          engine: 'postgres',
          status: 'available',
          encrypted: true,
          kmsKeyId: arn,
          type: 'manual',
          storage: 20,
        });
        break;
      case 'table':
        d.tables.push({
          name: `dl-table-${n}`,
          id: `00000000-0000-4000-8000-${hex.slice(-12)}`,
          created,
          status: 'ACTIVE',
          hashKey: 'pk',
          items: 1,
          bytes: 100,
          kmsKeyArn: arn,
        });
        break;
      case 'secret':
        d.secrets.push({
          name: `dl/secret-${n}`,
          arn: `arn:aws:secretsmanager:${acc.region}:${acc.accountId}:secret:dl/secret-${n}-AbCdEf`,
          created,
          changed: created,
          kmsKeyId: arn,
        });
        break;
      case 'parameter':
        d.parameters.push({
          name: `/dl/param-${n}`,
          type: 'SecureString',
          keyId: asGiven,
          modified: created,
          version: 1,
          tier: 'Standard',
        });
        break;
      case 'vault':
        d.vaults.push({ name: `dl-vault-${n}`, created, encryptionKeyArn: arn, recoveryPoints: [] });
        break;
    }
  }
  changed(acc);
}

/** Was the resource type visible to this run (its requests), judged from the world's recorder and the faults injected? */
function visible(type: string, sb: InProcessSandbox, run: LoggedRequest[]): boolean {
  const calls = (op: string) => run.filter((r) => r.operation === op);
  const clean = (op: string) => calls(op).length > 0 && calls(op).every((r) => !r.fault);
  const rec = dataView(sb.model.acc).recorders[0];
  const viaConfig =
    (CONFIG_TYPES as readonly string[]).includes(type) &&
    rec !== undefined &&
    rec.recording &&
    records(rec, type) &&
    clean('SelectResourceConfig') &&
    clean('DescribeConfigurationRecorders') &&
    clean('DescribeConfigurationRecorderStatus');
  const direct = DIRECT_CALLS[type];
  return viaConfig || (direct !== undefined && direct.every(clean));
}

export interface DataRun {
  c: DataCase;
  argv: string[];
  result: KscliResult;
  violations: string[];
  /** keys with data scheduled (with a permitted override), for coverage counts */
  scheduledWithData: number;
  blockedWithData: number;
}

/** One kscli schedule-deletion run over a world built from the case, judged. */
export async function runDataCase(c: DataCase, ports: AwsPorts, sbRef: { sb?: InProcessSandbox }): Promise<DataRun> {
  const sb = new InProcessSandbox({ seed: c.seed });
  sbRef.sb = sb;
  buildWorld(sb, c);
  const acc = sb.model.acc;
  // the world at the start of the run: which store keys hold data, and where
  const storeKeyArns = new Set(acc.state.keys.filter((k) => k.storeId === DEMO_STORE_ID).map((k) => acc.keyArn(k.id)));
  const data = new Map<string, WorldResource[]>();
  for (const r of worldResources(acc)) {
    if (!storeKeyArns.has(r.keyArn)) continue;
    data.set(r.keyArn, [...(data.get(r.keyArn) ?? []), r]);
  }
  const argv = [
    'schedule-deletion',
    DEMO_STORE_ID,
    '--yes',
    '--output',
    'json',
    '--window-days',
    '7',
    '--allow-in-use',
    '--no-alarm',
    '--dependents',
    c.mode,
  ];
  if (c.allowDataLoss) argv.push('--allow-data-loss');
  if (c.allowUnknownUsage) argv.push('--allow-unknown-usage');
  sb.setFaults(c.fault ? { errorRate: { [c.fault]: 1 }, seed: c.seed } : {});
  sb.run = 1;
  const home = mkdtempSync(join(tmpdir(), 'kscli-dl-'));
  try {
    const result = await runKscli(sb, ports, home, argv);
    const journal = readJournal(journalPath(home, DEMO_STORE_ID));
    const mine = sb.requests.filter((r) => r.caller === 'kscli' && r.run === 1);
    const violations: string[] = [];
    let scheduledWithData = 0;
    const cmd = `kscli ${argv.join(' ')}${c.fault ? ` (fault: ${c.fault})` : ''} -> ${result.code}`;
    for (const req of mine.filter((r) => r.operation === 'ScheduleKeyDeletion')) {
      const keyArn = resolveKeyArn(acc, String(req.params?.KeyId ?? ''));
      const held = keyArn ? data.get(keyArn) : undefined;
      if (!held?.length) continue;
      scheduledWithData++;
      const hidden = held.filter((r) => !visible(r.type, sb, mine));
      const flag = c.allowDataLoss
        ? '--allow-data-loss'
        : c.mode === 'off'
          ? '--dependents off'
          : hidden.length > 0 && c.allowUnknownUsage
            ? '--allow-unknown-usage'
            : undefined;
      const what = held.map((r) => `${r.type} ${r.id}${hidden.includes(r) ? ' (hidden)' : ''}`).join(', ');
      if (!flag) {
        violations.push(`DL1 a key holding data (${what}) was scheduled without --allow-data-loss: ${keyArn}; ${cmd}`);
        continue;
      }
      const keyId = keyArn!.split('/').pop();
      const intent = journal.find(
        (l) => l.phase === 'intent' && l.operation === 'ScheduleKeyDeletion' && String(l.target ?? '').endsWith(keyId!),
      );
      if (!intent?.overrides?.includes(flag))
        violations.push(
          `DL2 ${flag} allowed scheduling ${keyArn} (data: ${what}) but the journal's intent line does not record it (${JSON.stringify(intent ?? null)}); ${cmd}`,
        );
    }
    if (/unexpected error/i.test(result.stderr))
      violations.push(`E1 unexpected error: ${result.stderr.trim()}; ${cmd}`);
    const blockedWithData = [...data.keys()].length - scheduledWithData;
    return { c, argv, result, violations, scheduledWithData, blockedWithData };
  } finally {
    removeTree(home);
  }
}

/** kscli's ports over whichever sandbox the current case built (SDK clients built once). */
export function dataPorts(): { ports: AwsPorts; ref: { sb?: InProcessSandbox } } {
  const ref: { sb?: InProcessSandbox } = {};
  const ports = inProcessPorts(() => {
    if (!ref.sb) throw new Error('no sandbox for this case yet');
    return ref.sb;
  });
  return { ports, ref };
}
