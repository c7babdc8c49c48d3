/**
 * The SandboxModel of src/sandbox/contract.ts: dispatches calls to the services, applies what
 * time did before each call, turns outcomes into CloudTrail events, and moves the clock.
 */
import type { AdvanceReport, CallContext, SandboxModel, SandboxStatus, ServiceName } from '../contract.js';
import { SandboxError } from '../contract.js';
import { Account, type AccountEnv } from './account.js';
import { sweepAlarms } from './cloudwatch/alarms.js';
import { visibleState } from './kms/keys.js';
import { serviceEntry } from '../services/table.js';
import { defaultConfig, type AccountState } from './state.js';
import { type DueReport } from './timeline.js';
import { advanceWorld } from './callers.js';
import { EVENT_HISTORY_MS, recordApiCall } from './cloudtrail/trail-events.js';

/** Alarms are re-evaluated at most this often as sandbox time passes (CloudWatch: each minute). */
const ALARM_SWEEP_MS = 60_000;

/** The operations a service implements (for the HTTP layer's routing and its tests). */
export function implementedOperations(service: ServiceName): string[] {
  return Object.keys(serviceEntry(service)?.handlers ?? {});
}

export class AccountModel implements SandboxModel {
  readonly acc: Account;

  constructor(state: AccountState, env: AccountEnv = {}) {
    this.acc = new Account(state, env);
  }

  get accountId(): string {
    return this.acc.accountId;
  }

  now(): Date {
    return new Date(this.acc.nowMs());
  }

  clockOffsetMs(): number {
    return this.acc.state.clockOffsetMs;
  }

  /** Applies what came due up to now; alarms are swept once a sandbox minute. */
  private catchUp(report?: DueReport): void {
    const now = this.acc.nowMs();
    advanceWorld(this.acc, now, report);
    if (this.acc.state.alarms.length > 0 && now - this.acc.lastAlarmSweep >= ALARM_SWEEP_MS) {
      // the first sweep after load only sets the baseline (no evaluation of a fresh alarm at once)
      if (this.acc.lastAlarmSweep === 0) this.acc.lastAlarmSweep = now;
      else sweepAlarms(this.acc, now);
    }
  }

  handle(ctx: CallContext, input: Record<string, unknown>): unknown {
    this.catchUp();
    const handlers = serviceEntry(ctx.service)?.handlers;
    const handler =
      handlers && Object.prototype.hasOwnProperty.call(handlers, ctx.operation) ? handlers[ctx.operation] : undefined;
    if (!handler) {
      throw new SandboxError(
        'UnknownOperationException',
        `The operation ${ctx.operation} is not supported by the kscli sandbox for ${ctx.service}.`,
      );
    }
    return handler(this.acc, input ?? {}, ctx);
  }

  recordCall(
    ctx: CallContext,
    input: Record<string, unknown>,
    outcome: { output?: unknown; error?: SandboxError },
  ): void {
    // the HTTP layer may record calls it answered itself (throttling, injected faults): apply
    // what came due first so that events stay in time order
    this.catchUp();
    recordApiCall(this.acc, ctx, input ?? {}, outcome);
  }

  advance(ms: number): AdvanceReport {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance: ms must be a finite number >= 0');
    const report: DueReport = { deletedKeys: [], storeTransitions: [], purgedBackups: [] };
    this.catchUp(report);
    // one reading of the clock: with the wall clock under it, a second reading could lie a
    // millisecond later and the report would say the clock moved by ms + 1
    const fromMs = this.acc.nowMs();
    const from = new Date(fromMs);
    this.acc.state.clockOffsetMs += ms;
    this.acc.dirty = true;
    const now = fromMs + ms;
    advanceWorld(this.acc, now, report);
    this.acc.pruneEvents(now - EVENT_HISTORY_MS);
    sweepAlarms(this.acc, now);
    return { from, to: new Date(now), ...report };
  }

  status(): SandboxStatus {
    this.catchUp();
    const acc = this.acc;
    let outside = 0;
    for (const k of acc.state.keys) if (!k.storeId) outside++;
    return {
      now: this.now(),
      accountId: acc.accountId,
      stores: acc.state.stores.map((s) => {
        const keyStates: Record<string, number> = {};
        for (const id of acc.storeKeys.get(s.id) ?? []) {
          const state = visibleState(acc, acc.keyById.get(id)!);
          keyStates[state] = (keyStates[state] ?? 0) + 1;
        }
        return { id: s.id, name: s.name, type: s.type, connectionState: s.state, keyStates };
      }),
      keysOutsideStores: outside,
      alarms: acc.state.alarms.map((a) => ({ name: a.AlarmName, state: a.StateValue })),
      backups: acc.state.backups.map((b) => ({ id: b.id, clusterId: b.clusterId, state: b.state })),
    };
  }

  configure(patch: Record<string, unknown> = {}): Record<string, number> {
    const config = this.acc.state.config as unknown as Record<string, number>;
    const known = defaultConfig() as unknown as Record<string, number>;
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in known))
        throw new RangeError(`unknown sandbox setting ${name}; known: ${Object.keys(known).join(', ')}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new RangeError(`${name} must be a finite number >= 0`);
    }
    for (const [name, value] of Object.entries(patch)) config[name] = value as number;
    if (Object.keys(patch).length > 0) this.acc.dirty = true;
    return { ...config };
  }

  takeDirty(): boolean {
    const d = this.acc.dirty;
    this.acc.dirty = false;
    return d;
  }

  /**
   * The live state object (no copy, so that a 100,000-key account serialises fast): serialise it
   * at once (JSON.stringify) and do not keep or mutate it.
   */
  toJSON(): unknown {
    return this.acc.state;
  }
}
