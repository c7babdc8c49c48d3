/**
 * The facts the safety invariants of issue 6 are about, read straight from the sandbox's account
 * model (not through kscli: the judge must not share the defendant's eyes).
 *
 * A snapshot is taken just before the model handles each mutating request, so an invariant can be
 * judged against the world as it was when the request arrived, not as kscli believed it was.
 */
import type { SandboxModel } from '../../../src/sandbox/contract.js';
import type { AccountModel } from '../../../src/sandbox/model/index.js';
import { visibleState } from '../../../src/sandbox/model/kms/keys.js';
import { logReach } from './evidence-coverage.js';

export interface CallSnapshot {
  /** for key operations: the key's store (undefined: a key outside every store, or no such key) */
  keyExists?: boolean;
  keyStoreId?: string;
  keyState?: string;
  /** the store the call is about: the key's store, or CustomKeyStoreId */
  storeId?: string;
  storeType?: string;
  storeState?: string;
  /** keys in that store, by visible state */
  storeKeyStates?: Record<string, number>;
  /** CloudHSM calls (ClusterId): the stores that name the cluster, its HSMs, and crypto users
   * other than kmsuser with a successful login in its audit log within the last 89 days */
  clusterStores?: string[];
  clusterHsms?: number;
  clusterOtherUsers?: string[];
  /** ScheduleKeyDeletion (issue 18, A1): the sandbox holds kscli's pending-deletion metric filter and alarm */
  alarmInPlace?: boolean;
}

/** The names kscli gives the metric filter and the alarm (aws-facts 4; src/workflow/evidence/alarm-spec.ts). */
const PENDING_DELETION_ALARM = 'kscli-kms-key-pending-deletion-use';

/** kscli's audit window is 90 days by default; a day of margin keeps the judge off the boundary. */
const AUDIT_WINDOW_MS = 89 * 86_400_000;

/** The cluster facts of a CloudHSM call, read from the model (the audit log's own text). */
export function clusterFacts(
  model: SandboxModel,
  clusterId: string,
): { stores: string[]; hsms: number; otherUsers: string[] } {
  const acc = accOf(model);
  const stores = acc.state.stores.filter((s) => s.clusterId === clusterId).map((s) => s.id);
  const c = acc.state.clusters.find((x) => x.id === clusterId);
  const since = model.now().getTime() - AUDIT_WINDOW_MS;
  const users = new Set<string>();
  const group = acc.state.logGroups.find((g) => g.name === `/aws/cloudhsm/${clusterId}`);
  for (const e of group?.events ?? []) {
    if (e.t < since || !e.m.includes('Opcode : CN_LOGIN') || !e.m.includes('User Type : CN_CRYPTO_USER')) continue;
    const user = /User Name : (\S+)/.exec(e.m)?.[1];
    if (user && user !== 'kmsuser') users.add(user);
  }
  return { stores, hsms: c?.hsms.length ?? 0, otherUsers: [...users].sort() };
}

/** `1234abcd-...` from a key id or a key ARN (`arn:aws:kms:r:a:key/<id>`). */
export function keyIdOf(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = /key\/([^/]+)$/.exec(ref);
  return m ? m[1] : ref;
}

function accOf(model: SandboxModel) {
  return (model as SandboxModel & AccountModel).acc;
}

export function storeFacts(
  model: SandboxModel,
  storeId: string,
): { exists: boolean; type?: string; state?: string; keyStates: Record<string, number>; keyIds: string[] } {
  const acc = accOf(model);
  const s = acc.storeById.get(storeId);
  const keyStates: Record<string, number> = {};
  const keyIds = [...(acc.storeKeys.get(storeId) ?? [])];
  for (const id of keyIds) {
    const k = acc.keyById.get(id);
    if (!k) continue;
    const st = visibleState(acc, k);
    keyStates[st] = (keyStates[st] ?? 0) + 1;
  }
  return { exists: !!s, type: s?.type, state: s?.state, keyStates, keyIds };
}

export function keyFacts(
  model: SandboxModel,
  keyRef: string,
): { exists: boolean; storeId?: string; state?: string; logicalState?: string } {
  const acc = accOf(model);
  const k = acc.keyById.get(keyIdOf(keyRef) ?? '');
  if (!k) return { exists: false };
  return { exists: true, storeId: k.storeId, state: visibleState(acc, k), logicalState: k.state };
}

/** Everything an invariant may need about the target of one mutating request. */
export function snapshotFor(model: SandboxModel, operation: string, input: Record<string, unknown>): CallSnapshot {
  const snap: CallSnapshot = {};
  if (input.KeyId !== undefined) {
    const k = keyFacts(model, String(input.KeyId));
    snap.keyExists = k.exists;
    snap.keyStoreId = k.storeId;
    snap.keyState = k.state;
    snap.storeId = k.storeId;
  }
  if (typeof input.CustomKeyStoreId === 'string') snap.storeId = input.CustomKeyStoreId;
  if (typeof input.ClusterId === 'string') {
    const c = clusterFacts(model, input.ClusterId);
    snap.clusterStores = c.stores;
    snap.clusterHsms = c.hsms;
    snap.clusterOtherUsers = c.otherUsers;
  }
  if (operation === 'ScheduleKeyDeletion') {
    const acc = accOf(model);
    snap.alarmInPlace =
      acc.state.alarms.some((a) => a.AlarmName === PENDING_DELETION_ALARM) &&
      acc.state.logGroups.some((g) => g.filters.some((f) => f.name === PENDING_DELETION_ALARM));
  }
  if (snap.storeId) {
    const s = storeFacts(model, snap.storeId);
    snap.storeType = s.type;
    snap.storeState = s.exists ? s.state : 'DELETED';
    snap.storeKeyStates = s.keyStates;
  }
  return snap;
}

/** The operation name and target of a journal line, in the form the request log has them. */
export function targetOfParams(params: Record<string, unknown> | undefined): string | undefined {
  if (!params) return undefined;
  const v =
    params.KeyId ??
    params.CustomKeyStoreId ??
    params.filterName ??
    params.AlarmName ??
    params.BackupId ??
    (Array.isArray(params.AlarmNames) ? params.AlarmNames[0] : undefined);
  return typeof v === 'string' ? (keyIdOf(v) ?? v) : undefined;
}

/** The world when a kscli run starts: what the command-level invariants are judged against. */
export interface RunStart {
  /** sandbox time at the start */
  nowMs: number;
  /** keys of the target store and their visible states */
  storeKeyStates: Record<string, string>;
  /** alias name -> key id, for --key alias/... */
  aliases: Record<string, string>;
  /** key id -> the last cryptographic use AWS recorded (GetKeyLastUsage's truth), epoch ms */
  lastUsed: Record<string, number>;
  /** the target store's type and connection state (undefined: no such store) */
  storeType?: string;
  storeState?: string;
  /** issue 18 (B11): key id -> creation time (a key's evidence window starts no earlier) */
  keyCreated: Record<string, number>;
  /** issue 18 (B11): log group name -> how far back it holds CloudTrail events (evidence-coverage.ts) */
  logReach: Record<string, number>;
}

export function runStart(model: SandboxModel, storeId: string): RunStart {
  const acc = accOf(model);
  const storeKeyStates: Record<string, string> = {};
  const lastUsed: Record<string, number> = {};
  const keyCreated: Record<string, number> = {};
  for (const id of acc.storeKeys.get(storeId) ?? []) {
    const k = acc.keyById.get(id);
    if (!k) continue;
    storeKeyStates[id] = visibleState(acc, k);
    keyCreated[id] = k.created;
    if (k.lastUsage) lastUsed[id] = k.lastUsage.t;
  }
  const aliases: Record<string, string> = {};
  for (const a of acc.state.aliases) if (a.keyId) aliases[a.name] = a.keyId;
  const store = acc.storeById.get(storeId);
  return {
    nowMs: acc.nowMs(),
    storeKeyStates,
    aliases,
    lastUsed,
    storeType: store?.type,
    storeState: store?.state,
    keyCreated,
    logReach: logReach(model),
  };
}
