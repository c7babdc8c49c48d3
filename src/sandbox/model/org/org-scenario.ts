/**
 * Scenario `org`: an AWS Organization of N accounts over M Regions with S custom key stores
 * scattered among them, plus the demo account as the management account (its us-east-1 is the
 * demo scenario, unchanged). Deterministic for a given seed (ids, placement, states).
 *
 * Defaults (the "demo organization" the tests check row by row): 6 accounts, 4 Regions
 * (us-east-1, us-west-2, eu-west-1, ap-southeast-4: opt-in, no CloudHSM), 6 scattered stores.
 *
 * Accounts: index 0 is the management account 111122223333 (root); member i is `2` followed by i
 * in 11 digits (200000000001...), in OUs Prod, Dev (both under Workloads), Security, Sandbox.
 * What goes wrong, on purpose (by member index i), as it does in real organizations:
 * - i % 10 == 4: INVITED account without OrganizationAccountAccessRole (AssumeRole: AccessDenied);
 * - i % 10 == 2: the role's trust policy requires ExternalId `kscli-audit`;
 * - i % 10 == 5: SUSPENDED (State; legacy Status SUSPENDED); i % 20 == 9: CLOSED;
 * - i % 10 == 1: a service control policy denies KMS and CloudHSM in the third Region;
 * - opt-in Region number j (in the scenario's order) is enabled for member i when (i + j) % 3 == 0;
 *   the management account has every Region enabled.
 * A yearly job (role yearly-archive-restore in member 200000000001, or the management account when
 * alone) decrypts with DEMO_KEYS.unusedB once, 10 days after the start, then every 365 days
 * (issue 20: what only a trial catches).
 * Stores land in random (seeded) cells of ACTIVE accounts in Regions they have enabled (the
 * accounts without the role included: their stores are what an inventory cannot see). CloudHSM
 * stores only where CloudHSM is offered; each has its own cluster with 0-3 HSMs.
 */
import { Account } from '../account.js';
import { cluster as demoCluster, DEMO_KEYS, scenario as accountScenario } from '../scenarios.js';
import { addSharedCluster, SHARED_CLUSTER_ID } from '../cloudhsm/audit-log.js';
import { addOrgData, DEMO_DATA } from '../data/scenario.js';
import {
  DAY_MS,
  emptyState,
  type AccountState,
  type ClusterRecord,
  type ConnectionState,
  type KeyRecord,
  type LogicalKeyState,
} from '../state.js';
import type { OrgAccount, OrgDocument, OrgState, OrgUnit } from './org-state.js';
import { isOptInRegion, NO_CLOUDHSM_REGIONS, SCENARIO_REGION_ORDER } from './partition.js';
import { seededRandom } from '../seeded-random.js';
import { yearlyJob } from '../callers.js';

export interface OrgScenarioOptions {
  accounts?: number;
  regions?: number;
  stores?: number;
  seed?: number;
  now?: Date;
}

export const ORG_DEFAULTS = { accounts: 6, regions: 4, stores: 6, seed: 1 } as const;
export const ORG_ID = 'o-a1b2c3d4e5';
export const ORG_ROOT_ID = 'r-k5c1';
export const MANAGEMENT_ACCOUNT = '111122223333';
export const AUDIT_EXTERNAL_ID = 'kscli-audit';
export const ORG_ROLE = 'OrganizationAccountAccessRole';
export const MAX_ORG_ACCOUNTS = 10_000;
/** The yearly job of the organization scenario (callers.ts yearlyJob): its key and its first run, in days after the start. */
export const ORG_YEARLY_JOB = { keyId: DEMO_KEYS.unusedB, firstRunDays: 10 } as const;

const OUS: OrgUnit[] = [
  { id: 'ou-k5c1-workloads', name: 'Workloads', parentId: ORG_ROOT_ID },
  { id: 'ou-k5c1-prod0001', name: 'Prod', parentId: 'ou-k5c1-workloads' },
  { id: 'ou-k5c1-dev00001', name: 'Dev', parentId: 'ou-k5c1-workloads' },
  { id: 'ou-k5c1-security', name: 'Security', parentId: ORG_ROOT_ID },
  { id: 'ou-k5c1-sandbox1', name: 'Sandbox', parentId: ORG_ROOT_ID },
];
const MEMBER_OUS = [OUS[4]!, OUS[1]!, OUS[2]!, OUS[3]!];

export function memberAccountId(i: number): string {
  return `2${String(i).padStart(11, '0')}`;
}

function checkCount(name: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
}

function buildOrg(nAccounts: number, regions: string[], now: number): OrgState {
  const optIns = regions.filter(isOptInRegion);
  const accounts: OrgAccount[] = [
    {
      id: MANAGEMENT_ACCOUNT,
      name: 'management',
      email: 'aws-root@example.com',
      state: 'ACTIVE',
      parentId: ORG_ROOT_ID,
      joinedMethod: 'CREATED',
      joined: now - 900 * DAY_MS,
      roles: {},
      optIn: [...optIns],
    },
  ];
  for (let i = 1; i < nAccounts; i++) {
    const ou = MEMBER_OUS[i % MEMBER_OUS.length]!;
    const invited = i % 10 === 4;
    const a: OrgAccount = {
      id: memberAccountId(i),
      name: `${ou.name.toLowerCase()}-${String(i).padStart(4, '0')}`,
      email: `aws+${i}@example.com`,
      state: i % 10 === 5 ? 'SUSPENDED' : i % 20 === 9 ? 'CLOSED' : 'ACTIVE',
      parentId: ou.id,
      joinedMethod: invited ? 'INVITED' : 'CREATED',
      joined: now - (800 - (i % 700)) * DAY_MS,
      // Organizations creates OrganizationAccountAccessRole only in accounts it creates
      roles: invited ? {} : { [ORG_ROLE]: i % 10 === 2 ? { externalId: AUDIT_EXTERNAL_ID } : {} },
      optIn: optIns.filter((_, j) => (i + j) % 3 === 0),
    };
    if (i % 10 === 1 && regions.length >= 3) a.deniedRegions = [regions[2]!];
    accounts.push(a);
  }
  return {
    id: ORG_ID,
    managementAccountId: MANAGEMENT_ACCOUNT,
    managementEmail: 'aws-root@example.com',
    rootId: ORG_ROOT_ID,
    ous: OUS.map((o) => ({ ...o })),
    accounts,
    delegatedAdmins: [],
    regions,
  };
}

function hexOf(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

function uuidOf(rand: () => number): string {
  const h = hexOf(rand, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(rand() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';
function b32(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += B32[Math.floor(rand() * 32)];
  return s;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

const FAILED_CODES = ['NETWORK_ERRORS', 'INVALID_CREDENTIALS', 'USER_LOCKED_OUT', 'INSUFFICIENT_CLOUDHSM_HSMS'];
const KEY_STATES: LogicalKeyState[] = ['Enabled', 'Enabled', 'Enabled', 'Disabled', 'PendingDeletion'];

/** Adds one store (with its cluster and keys) to a cell. */
function addScatteredStore(acc: Account, rand: () => number, n: number, now: number): void {
  const region = acc.region;
  const hsmAllowed = !NO_CLOUDHSM_REGIONS.has(region);
  const cloudHsm = hsmAllowed && rand() < 0.7;
  const storeId = `cks-${hexOf(rand, 17)}`;
  const r = rand();
  const state: ConnectionState = r < 0.6 ? 'CONNECTED' : r < 0.85 ? 'DISCONNECTED' : 'FAILED';
  const created = now - Math.floor(100 + rand() * 600) * DAY_MS;
  let clusterRec: ClusterRecord | undefined;
  if (cloudHsm) {
    const hsmCount = state === 'CONNECTED' ? 2 + Math.floor(rand() * 2) : Math.floor(rand() * 3);
    const subnets: Record<string, string> = {
      [`${region}a`]: `subnet-0${hexOf(rand, 16)}`,
      [`${region}b`]: `subnet-0${hexOf(rand, 16)}`,
    };
    const azs = Object.keys(subnets);
    clusterRec = {
      id: `cluster-${b32(rand, 11)}`,
      state: 'ACTIVE',
      created: created - 10 * DAY_MS,
      vpcId: `vpc-0${hexOf(rand, 16)}`,
      subnets,
      retentionDays: 90,
      nextHandle: 0x11,
      hsms: Array.from({ length: hsmCount }, (_, h) => ({
        HsmId: `hsm-${b32(rand, 11)}`,
        AvailabilityZone: azs[h % 2]!,
        SubnetId: subnets[azs[h % 2]!]!,
        EniId: `eni-0${hexOf(rand, 16)}`,
        EniIp: `10.${n % 250}.${h}.${10 + h}`,
        State: 'ACTIVE',
      })),
    };
    acc.state.clusters.push(clusterRec);
  }
  acc.addStore({
    id: storeId,
    name: `${cloudHsm ? 'hsm' : 'xks'}-store-${String(n + 1).padStart(3, '0')}`,
    type: cloudHsm ? 'AWS_CLOUDHSM' : 'EXTERNAL_KEY_STORE',
    created,
    state,
    ...(state === 'FAILED' ? { errorCode: cloudHsm ? pick(rand, FAILED_CODES) : 'XKS_PROXY_TIMED_OUT' } : {}),
    ...(clusterRec ? { clusterId: clusterRec.id, trustAnchor: 'sandbox-trust-anchor' } : {}),
    ...(!cloudHsm
      ? {
          xks: {
            Connectivity: 'PUBLIC_ENDPOINT',
            AccessKeyId: `XKS${b32(rand, 17).toUpperCase()}`,
            UriEndpoint: `https://xks${n + 1}.example.com`,
            UriPath: '/kms/xks/v1',
          },
        }
      : {}),
  });
  const keys = Math.floor(rand() * 7);
  for (let k = 0; k < keys; k++) {
    const logical = pick(rand, KEY_STATES);
    const key: KeyRecord = {
      id: uuidOf(rand),
      created: created + (k + 1) * DAY_MS,
      state: logical,
      origin: cloudHsm ? 'AWS_CLOUDHSM' : 'EXTERNAL_KEY_STORE',
      storeId,
      description: `key ${k + 1} of store ${n + 1}`,
    };
    if (clusterRec) {
      key.clusterId = clusterRec.id;
      key.keyHandle = `0x${(clusterRec.nextHandle++).toString(16).padStart(8, '0')}`;
      key.backingKeyId = hexOf(rand, 64);
    } else key.xksKeyId = `xks-key-${n + 1}-${k + 1}`;
    if (logical === 'PendingDeletion') {
      key.pendingWindow = 30;
      key.deletionDate = now + Math.floor(1 + rand() * 29) * DAY_MS;
    }
    acc.addKey(key);
  }
}

/** The OrgDocument of the scenario, for OrgModel. */
export function orgScenario(opts: OrgScenarioOptions = {}): OrgDocument {
  const nAccounts = opts.accounts ?? ORG_DEFAULTS.accounts;
  const nRegions = opts.regions ?? ORG_DEFAULTS.regions;
  const nStores = opts.stores ?? ORG_DEFAULTS.stores;
  checkCount('accounts', nAccounts, 1, MAX_ORG_ACCOUNTS);
  checkCount('regions', nRegions, 1, SCENARIO_REGION_ORDER.length);
  checkCount('stores', nStores, 0, 100_000);
  const now = opts.now?.getTime() ?? Date.now();
  const rand = seededRandom(opts.seed ?? ORG_DEFAULTS.seed);
  const regions = SCENARIO_REGION_ORDER.slice(0, nRegions);
  const org = buildOrg(nAccounts, regions, now);

  const demo = accountScenario('demo', { now: new Date(now) });
  const cells = new Map<string, Account>();
  const management = new Account(demo);
  cells.set(`${MANAGEMENT_ACCOUNT}/us-east-1`, management);
  // a cluster no store uses any more, that an application still signs in to (cloudhsm/audit-log.ts)
  addSharedCluster(management, demoCluster(SHARED_CLUSTER_ID, now - 500 * DAY_MS, 'vpc-0c3d4e5f6a7b80910', '3'), now);
  const candidates: Array<[string, string]> = [];
  for (const a of org.accounts) {
    if (a.state !== 'ACTIVE') continue;
    for (const r of regions) {
      if (isOptInRegion(r) && !a.optIn.includes(r)) continue;
      if (a.id === MANAGEMENT_ACCOUNT && r === 'us-east-1') continue;
      candidates.push([a.id, r]);
    }
  }
  for (let n = 0; n < nStores && candidates.length > 0; n++) {
    const [account, region] = pick(rand, candidates);
    const key = `${account}/${region}`;
    let acc = cells.get(key);
    if (!acc) {
      const state: AccountState = emptyState();
      state.accountId = account;
      state.region = region;
      state.config = { ...demo.config };
      acc = new Account(state);
      cells.set(key, acc);
    }
    addScatteredStore(acc, rand, n, now);
  }
  // AWS Config: the aggregator in the management account, and a volume in a member account under a
  // key of the demo's store (data/scenario.ts)
  if (nAccounts > 1) {
    const key = `${DEMO_DATA.crossAccount}/us-east-1`;
    let member = cells.get(key);
    if (!member) {
      const state: AccountState = emptyState();
      state.accountId = DEMO_DATA.crossAccount;
      state.region = 'us-east-1';
      state.config = { ...demo.config };
      cells.set(key, (member = new Account(state)));
    }
    const management = cells.get(`${MANAGEMENT_ACCOUNT}/us-east-1`)!;
    addOrgData(management, member, now, management.keyArn(DEMO_KEYS.unusedB));
  }
  // issue 20: a yearly job in a member account decrypts with a key of the demo's store once, on
  // the job's date (ORG_YEARLY_JOB); nothing of it shows in the evidence before then, so only a
  // trial still running on that date catches it
  const jobAccount = nAccounts > 1 ? DEMO_DATA.crossAccount : MANAGEMENT_ACCOUNT;
  management.state.callers = [
    ...(management.state.callers ?? []),
    yearlyJob(jobAccount, 'us-east-1', ORG_YEARLY_JOB.keyId, now + ORG_YEARLY_JOB.firstRunDays * DAY_MS),
  ];
  const clockOffsetMs = now - Date.now();
  for (const acc of cells.values()) acc.state.clockOffsetMs = clockOffsetMs;
  return {
    version: 1,
    kind: 'org',
    clockOffsetMs,
    homeAccount: MANAGEMENT_ACCOUNT,
    homeRegion: 'us-east-1',
    org,
    sessions: {},
    cells: [...cells.values()].map((a) => a.state),
  };
}
