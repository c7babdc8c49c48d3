/**
 * What the end-to-end reliability tests add to the e2e harness (test/e2e/helpers, used as is):
 * the sandbox's admin API (faults switched on and off while `sandbox serve` runs, the clock, the
 * account status), the journal of a store, a colleague's direct SDK calls, and the safety checks
 * that compare the sandbox's request log with kscli's journal.
 */
// only the type from kscli-in-process.ts: its value import is the whole of src/cli.ts, which every
// end-to-end file of this directory transformed and evaluated for nothing (they run the binary)
import type { JournalLine } from './kscli-in-process.js';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { expect } from 'vitest';
import type { FaultConfig } from '../../../src/sandbox/server/faults.js';
import {
  DEMO,
  readJournal as readJournalFile,
  sdkClientConfig,
  type E2E,
  type LoggedRequest,
} from '../../e2e/helpers/index.js';

export const HSM_STORE = DEMO.hsmStore;
/** the five keys of the demo CloudHSM store */
export const HSM_STORE_KEYS: string[] = Object.values(DEMO.keys);

async function admin(t: E2E, method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${t.sandbox.url}/__sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Replaces the faults of the running sandbox (POST /__sandbox/faults); `{}` turns them off. */
export const setFaults = (t: E2E, faults: FaultConfig) => admin(t, 'POST', 'faults', faults);
/** The account at a glance (GET /__sandbox/status): stores with key counts per state. */
export const status = (t: E2E) => admin(t, 'GET', 'status');
/** Moves the sandbox clock (POST /__sandbox/advance); the report lists deleted keys with their backing-key status. */
export const advanceDays = (t: E2E, days: number) => admin(t, 'POST', 'advance', { days });

export async function storeStatus(
  t: E2E,
  storeId: string,
): Promise<{ connectionState: string; keyStates: Record<string, number> } | undefined> {
  const s = await status(t);
  return (s.stores as Array<{ id: string; connectionState: string; keyStates: Record<string, number> }>).find(
    (x) => x.id === storeId,
  );
}

/** A colleague at another terminal: the SDK pointed at the sandbox, no retries. */
export function colleagueKms(t: E2E): KMSClient {
  return new KMSClient(sdkClientConfig(t.sandbox.url));
}

export type { JournalLine } from './kscli-in-process.js';

export function journalFile(t: E2E, storeId: string): string {
  return join(t.ws.journalDir, `${DEMO.account}-${DEMO.region}-${storeId}.jsonl`);
}

export function readJournal(t: E2E, storeId: string): JournalLine[] {
  // the same reader as kscli-in-process.ts's (one JSON object per non-empty line), with its line type
  return readJournalFile<JournalLine>(journalFile(t, storeId));
}

/** The key id of a KeyId parameter (id or ARN). */
export const keyIdOf = (v: unknown): string => String(v).replace(/^arn:aws:kms:[^:]+:\d+:key\//, '');

/** What a mutating request was about, in the form the journal names its target. */
export function requestTarget(r: LoggedRequest): string | undefined {
  const p = r.params ?? {};
  const v =
    p.KeyId ??
    p.CustomKeyStoreId ??
    p.filterName ??
    p.AlarmName ??
    p.BackupId ??
    (Array.isArray(p.AlarmNames) ? p.AlarmNames[0] : undefined);
  return v === undefined ? undefined : keyIdOf(v);
}

/**
 * J1: every mutating request in the log (except the colleague's, by request id) appears in the
 * journal as an outcome line for the same operation and target. Returns the ones missing.
 */
export function requestsMissingFromJournal(
  requests: LoggedRequest[],
  journal: JournalLine[],
  notKscli: Set<string> = new Set(),
): string[] {
  const outcomes = journal.filter((l) => l.phase === 'outcome');
  return requests
    .filter((r) => r.mutating && !notKscli.has(r.requestId))
    .filter((r) => {
      const target = requestTarget(r);
      return !outcomes.some(
        (l) =>
          l.operation === r.operation &&
          (target === undefined ||
            keyIdOf(l.target) === target ||
            keyIdOf(l.params?.KeyId ?? l.params?.CustomKeyStoreId ?? '') === target),
      );
    })
    .map((r) => `${r.operation} ${requestTarget(r)} -> ${r.outcome}${r.fault ? ` (fault ${r.fault})` : ''}`);
}

/** S1: ScheduleKeyDeletion only ever named keys of the store. */
export function scheduledOutside(requests: LoggedRequest[], storeKeys: Iterable<string>): string[] {
  const inStore = new Set(storeKeys);
  return requests
    .filter((r) => r.operation === 'ScheduleKeyDeletion' && !inStore.has(keyIdOf(r.params?.KeyId)))
    .map((r) => `${keyIdOf(r.params?.KeyId)} -> ${r.outcome}`);
}

/** What `sandbox advance` reported (POST /__sandbox/advance): the keys AWS deleted meanwhile. */
export interface AdvanceReportJson {
  from: string;
  to: string;
  deletedKeys: Array<{ keyId: string; storeId?: string }>;
}

/**
 * S2, judged from the world: a DeleteCustomKeyStore that kscli SENT while the store still held a
 * key, whatever the answer (refused with CustomKeyStoreHasCMKsException, met an injected 5xx or a
 * dropped connection, or not answered at all). The store held a key until the advance that deleted
 * its last key (the keys are deleted inside an advance: before its `from` they all existed), and
 * forever while it holds keys now.
 */
export function deletesWithKeys(
  requests: LoggedRequest[],
  storeId: string,
  advances: AdvanceReportJson[],
  keysNow: number,
): string[] {
  let heldUntil = keysNow > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (keysNow === 0)
    for (const a of advances)
      if (a.deletedKeys.some((k) => k.storeId === storeId)) heldUntil = Math.max(heldUntil, Date.parse(a.from));
  return requests
    .filter(
      (r) =>
        r.operation === 'DeleteCustomKeyStore' &&
        requestTarget(r) === storeId &&
        Date.parse(r.sandboxTime ?? '') < heldUntil,
    )
    .map(
      (r) =>
        `DeleteCustomKeyStore at ${r.sandboxTime} -> ${r.outcome}${r.fault ? ` (fault ${r.fault})` : ''}, while the store held keys`,
    );
}

/** Answers after which AWS did what was asked: handled, or handled with the answer lost on the way. */
const HANDLED = new Set(['ok', 'dropped-after-handling']);

/**
 * J3, judged from the world: every journal line "ok" for a call that changes AWS is backed by a
 * request for the same operation and target that AWS HANDLED (answered ok, or handled with the answer
 * lost), no later than the line (both on the sandbox's clock: kscli's clock is the sandbox's when it talks
 * to one, src/aws/account-clock.ts). An "ok" after AWS refused the call (InvalidState, NotFound, 5xx,
 * throttled) or never saw it (dropped before handling) fails, whatever note kscli wrote: when kscli
 * resumes ("already PendingDeletion", "already DISCONNECTED", "already deleted"), an earlier request
 * of its own was handled, and that one backs the line.
 */
export function doneButNotDone(requests: LoggedRequest[], journal: JournalLine[]): string[] {
  const real = new Set([
    'ScheduleKeyDeletion',
    'CancelKeyDeletion',
    'EnableKey',
    'DisconnectCustomKeyStore',
    'DeleteCustomKeyStore',
    'PutMetricFilter',
    'PutMetricAlarm',
  ]);
  const backed = (op: string, target: string, by: string) =>
    requests.some(
      (r) =>
        r.operation === op && requestTarget(r) === target && HANDLED.has(r.outcome) && (r.sandboxTime ?? r.time) <= by,
    );
  return journal
    .filter((l) => l.phase === 'outcome' && l.outcome === 'ok' && l.operation && real.has(l.operation))
    .filter((l) => !backed(l.operation!, keyIdOf(l.target), l.time))
    .map((l) => {
      const asked = requests
        .filter((r) => r.operation === l.operation && requestTarget(r) === keyIdOf(l.target))
        .map((r) => r.outcome);
      return `${l.operation} ${l.target}: journal says ok at ${l.time}; AWS answered ${asked.length ? asked.join(', ') : 'nothing (never asked)'}`;
    });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Demo store: one key was already pending; more means kscli's first ScheduleKeyDeletion was handled. */
export const firstScheduleHandled = (t: E2E) => async (): Promise<boolean> =>
  ((await storeStatus(t, HSM_STORE))?.keyStates.PendingDeletion ?? 0) >= 2;

/**
 * A delete-store stopped after its first ScheduleKeyDeletion (Ctrl-C, a closed pipe): only that
 * call reached AWS, the journal holds its intent and its outcome, and every mutating request the
 * sandbox logged is in the journal.
 */
export function expectOnlyTheCallInFlight(t: E2E): void {
  const schedules = t.sandbox.requests().filter((q) => q.operation === 'ScheduleKeyDeletion');
  expect(schedules, 'only the call in flight reached AWS').toHaveLength(1);
  const keyId = String(schedules[0]!.params?.KeyId);
  const journal = readJournal(t, HSM_STORE);
  expect(
    journal
      .filter((l) => l.operation === 'ScheduleKeyDeletion' && l.target === keyId)
      .map((l) => `${l.phase}:${l.outcome ?? ''}`),
  ).toEqual(['intent:', 'outcome:ok']);
  expect(requestsMissingFromJournal(t.sandbox.requests(), journal)).toEqual([]);
}
