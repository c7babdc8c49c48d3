/**
 * The in-memory account: the persisted state (state.ts) plus the indexes that make every call
 * O(1) or O(page) even with 100,000 keys, the sandbox clock, and the dirty flag. The services
 * (keys.ts, stores.ts, ...) are functions over this object; model.ts dispatches to them.
 */
import { cryptoIds, type IdSource } from './ids.js';
import type { AccountState, AliasRecord, EventRecord, KeyRecord, StoreRecord } from './state.js';

/**
 * Where an account's time and randomness come from. The served sandbox: the system clock and
 * crypto. Tests that replay from a seed: a clock that only `advance` moves, and seeded ids.
 */
export interface AccountEnv {
  /** the base of sandbox time (sandbox time = wallClock() + state.clockOffsetMs); Date.now by default */
  wallClock?: () => number;
  ids?: IdSource;
}

export class Account {
  readonly keyById = new Map<string, KeyRecord>();
  /** position of each key in state.keys (ListKeys order); rebuilt lazily after deletions */
  private keyPos: Map<string, number> | undefined;
  readonly aliasByName = new Map<string, AliasRecord>();
  readonly storeById = new Map<string, StoreRecord>();
  /** key ids per custom key store */
  readonly storeKeys = new Map<string, Set<string>>();
  /** keys in PendingDeletion: the only keys time can change */
  readonly pendingDeletion = new Set<string>();
  /** event sequence numbers per resource name (ARN or id), oldest first */
  readonly eventsByResource = new Map<string, number[]>();
  /** earliest time-driven change to apply; recomputed when `dueStale` */
  dueAt = Number.POSITIVE_INFINITY;
  dueStale = true;
  dirty = false;
  /** last time alarms were evaluated because time passed (not persisted) */
  lastAlarmSweep = 0;

  readonly wallClock: () => number;
  readonly ids: IdSource;

  constructor(
    readonly state: AccountState,
    env: AccountEnv = {},
  ) {
    this.wallClock = env.wallClock ?? Date.now;
    this.ids = env.ids ?? cryptoIds;
    for (const k of state.keys) this.indexKey(k);
    for (const a of state.aliases) this.aliasByName.set(a.name, a);
    for (const s of state.stores) {
      this.storeById.set(s.id, s);
      if (!this.storeKeys.has(s.id)) this.storeKeys.set(s.id, new Set());
    }
    for (const e of state.events) this.indexEvent(e);
  }

  get accountId(): string {
    return this.state.accountId;
  }

  get region(): string {
    return this.state.region;
  }

  nowMs(): number {
    return this.wallClock() + this.state.clockOffsetMs;
  }

  keyArn(id: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:key/${id}`;
  }

  aliasArn(name: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:${name}`;
  }

  private indexKey(k: KeyRecord): void {
    this.keyById.set(k.id, k);
    if (k.storeId) {
      let set = this.storeKeys.get(k.storeId);
      if (!set) this.storeKeys.set(k.storeId, (set = new Set()));
      set.add(k.id);
    }
    if (k.state === 'PendingDeletion') this.pendingDeletion.add(k.id);
  }

  addKey(k: KeyRecord): void {
    const pos = this.state.keys.length;
    this.state.keys.push(k);
    this.keyPos?.set(k.id, pos);
    this.indexKey(k);
    this.dirty = true;
  }

  /** Removes a key, its aliases and grants (what AWS deletes with the key). */
  removeKey(k: KeyRecord): void {
    const pos = this.positionOf(k.id);
    if (pos !== undefined) this.state.keys.splice(pos, 1);
    this.keyPos = undefined;
    this.keyById.delete(k.id);
    this.pendingDeletion.delete(k.id);
    if (k.storeId) this.storeKeys.get(k.storeId)?.delete(k.id);
    const aliases = this.state.aliases.filter((a) => a.keyId === k.id);
    if (aliases.length > 0) {
      this.state.aliases = this.state.aliases.filter((a) => a.keyId !== k.id);
      for (const a of aliases) this.aliasByName.delete(a.name);
    }
    if (this.state.grants.some((g) => g.keyId === k.id))
      this.state.grants = this.state.grants.filter((g) => g.keyId !== k.id);
    this.dirty = true;
  }

  positionOf(id: string): number | undefined {
    if (!this.keyPos) {
      this.keyPos = new Map();
      const keys = this.state.keys;
      for (let i = 0; i < keys.length; i++) this.keyPos.set(keys[i]!.id, i);
    }
    return this.keyPos.get(id);
  }

  /** Call when a key enters or leaves PendingDeletion. */
  setLogicalState(k: KeyRecord, next: KeyRecord['state']): void {
    if (k.state === next) return;
    k.state = next;
    if (next === 'PendingDeletion') this.pendingDeletion.add(k.id);
    else this.pendingDeletion.delete(k.id);
    this.dueStale = true;
    this.dirty = true;
  }

  addStore(s: StoreRecord): void {
    this.state.stores.push(s);
    this.storeById.set(s.id, s);
    this.storeKeys.set(s.id, new Set());
    this.dirty = true;
  }

  removeStore(s: StoreRecord): void {
    this.state.stores = this.state.stores.filter((x) => x.id !== s.id);
    this.storeById.delete(s.id);
    this.storeKeys.delete(s.id);
    this.dirty = true;
  }

  indexEvent(e: EventRecord): void {
    for (const r of e.resources) {
      let list = this.eventsByResource.get(r.name);
      if (!list) this.eventsByResource.set(r.name, (list = []));
      list.push(e.seq);
    }
  }

  /** The event with this sequence number, found by binary search (events are in seq order). */
  eventBySeq(seq: number): EventRecord | undefined {
    const events = this.state.events;
    let lo = 0;
    let hi = events.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = events[mid]!.seq;
      if (s === seq) return events[mid];
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Drops the oldest events beyond the cap and those older than `cutoff`. */
  pruneEvents(cutoff: number): void {
    const events = this.state.events;
    let drop = Math.max(0, events.length - this.state.config.eventCap);
    while (drop < events.length && events[drop]!.t < cutoff) drop++;
    if (drop === 0) return;
    const firstKept = events[drop]?.seq ?? this.state.nextSeq;
    events.splice(0, drop);
    for (const [name, list] of this.eventsByResource) {
      if (list[0]! >= firstKept) continue;
      let i = 0;
      while (i < list.length && list[i]! < firstKept) i++;
      if (i === list.length) this.eventsByResource.delete(name);
      else list.splice(0, i);
    }
    this.dirty = true;
  }
}
