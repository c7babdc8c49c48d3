/**
 * Turning calls into CloudTrail events, keeping them (event history, 90 days, capped), and
 * delivering them to the log groups of the trails that record them.
 *
 * Every call is recorded, LookupEvents included: AWS records LookupEvents as a read-only
 * management event too. They carry no resources, so per-key lookups (ResourceName) never see
 * them, and the cap (config.eventCap, oldest dropped first) bounds the history.
 */
import type { CallContext, ServiceName } from '../../contract.js';
import { SandboxError } from '../../contract.js';
import { serviceEntry } from '../../services/table.js';
import type { Account } from '../account.js';
import { CRYPTO_OPERATIONS, parseCiphertext } from '../kms/crypto.js';
import { identityFor, userIdentity } from '../sts/identity.js';
import { tryResolveArn } from '../kms/keys.js';
import { deliverToLogGroup } from '../logs/logs.js';
import type { EventRecord, TrailRecord } from '../state.js';
import { DAY_MS } from '../state.js';
import { isoSeconds } from '../iso-seconds.js';
import { eventJson } from './event-json.js';

export const EVENT_HISTORY_MS = 90 * DAY_MS;
const EVENT_VERSION = '1.11';

/** Both below are fixed per service / operation and asked for on every recorded call: kept once computed (issue 17). */
const eventSources = new Map<ServiceName, string>();
const readOnlyOps = new Map<string, boolean>();

export function eventSource(service: ServiceName): string {
  let source = eventSources.get(service);
  if (source === undefined) {
    const entry = serviceEntry(service);
    source = entry?.eventSource ?? `${entry?.signingName ?? service}.amazonaws.com`;
    eventSources.set(service, source);
  }
  return source;
}

/** Read-only per CloudTrail: Describe/List/Get/Lookup, and KMS's cryptographic calls (aws-facts 4.2). */
export function isReadOnly(operation: string): boolean {
  let readOnly = readOnlyOps.get(operation);
  if (readOnly === undefined) {
    readOnly =
      /^(Describe|List|Get|Lookup)/.test(operation) ||
      CRYPTO_OPERATIONS.has(operation) ||
      operation === 'GenerateRandom' ||
      operation.startsWith('GenerateDataKey');
    // operation names come from clients: keep the table bounded
    if (readOnlyOps.size < 1000) readOnlyOps.set(operation, readOnly);
  }
  return readOnly;
}

/** Input members that carry secrets or payload bytes never reach an event. */
const REDACTED = new Set([
  'Plaintext',
  'CiphertextBlob',
  'KeyStorePassword',
  'XksProxyAuthenticationCredential',
  'SecretAccessKey',
  'SessionToken',
  // CloudTrail shows CreateGrant's grantId, not the token (a bearer credential for the grant)
  'GrantToken',
  'GrantTokens',
]);

/** Map members whose keys are data (an encryption context), not member names: kept as sent. */
const MAP_MEMBERS = new Set(['EncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals']);

/** Member names repeat on every call (KeyId, CustomKeyStoreId...): their camelCase form is kept (issue 17). */
const camelNames = new Map<string, string>();

function camel(key: string): string {
  let name = camelNames.get(key);
  if (name === undefined) {
    name = key.length > 0 ? key.charAt(0).toLowerCase() + key.slice(1) : key;
    // member names come from clients: keep the table bounded
    if (camelNames.size < 10_000) camelNames.set(key, name);
  }
  return name;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** KMS writes dates in responseElements as e.g. "Dec 3, 2026, 12:00:00 AM" (UTC). */
export function trailDate(d: Date): string {
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${hh}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

/** CloudTrail's camelCase rendering of an input or output, without payload bytes. */
export function toTrailShape(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return trailDate(value);
  if (Array.isArray(value)) return value.map((v) => toTrailShape(v, depth + 1));
  if (value instanceof Uint8Array) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || REDACTED.has(k)) continue;
    out[camel(k)] = depth > 8 || MAP_MEMBERS.has(k) ? v : toTrailShape(v, depth + 1);
  }
  return out;
}

/** The key ARNs a call is about: from KeyId / TargetKeyId / the ciphertext, else the output. */
function keyResources(acc: Account, input: Record<string, unknown>, output: unknown): string[] {
  const arns: string[] = [];
  const add = (arn: string | undefined): void => {
    if (arn && !arns.includes(arn)) arns.push(arn);
  };
  if (input.CiphertextBlob !== undefined) {
    const parsed = parseCiphertext(input.CiphertextBlob);
    if (parsed && acc.keyById.has(parsed.keyId)) add(acc.keyArn(parsed.keyId));
  }
  if (input.KeyId !== undefined) add(tryResolveArn(acc, input.KeyId));
  if (input.TargetKeyId !== undefined) add(tryResolveArn(acc, input.TargetKeyId));
  if (input.DestinationKeyId !== undefined) add(tryResolveArn(acc, input.DestinationKeyId));
  if (arns.length === 0 && output && typeof output === 'object') {
    const md = (output as { KeyMetadata?: { Arn?: string } }).KeyMetadata;
    add(md?.Arn);
  }
  return arns;
}

/** Stores one event and delivers it to the trails that record it. */
export function appendEvent(
  acc: Account,
  event: Record<string, unknown>,
  meta: Omit<EventRecord, 'seq' | 'json'>,
): EventRecord {
  const json = eventJson(event);
  const record: EventRecord = { seq: acc.state.nextSeq++, json, ...meta };
  acc.state.events.push(record);
  acc.indexEvent(record);
  acc.dirty = true;
  const cap = acc.state.config.eventCap;
  // prune in batches so that a full history does not cost an array shift per call
  if (acc.state.events.length > cap + Math.max(1, cap >> 4)) acc.pruneEvents(meta.t - EVENT_HISTORY_MS);
  deliverEvent(acc, event, json, meta.t);
  return record;
}

/** Delivers an event to the log groups of the trails that record it (not to event history). */
export function deliverEvent(acc: Account, event: Record<string, unknown>, json: string, t: number): void {
  for (const trail of acc.state.trails) {
    if (!trail.logGroupName || !trailRecords(trail, event)) continue;
    trail.lastCwlDelivery = t;
    deliverToLogGroup(acc, trail.logGroupName, event, json, t);
  }
}

/** Whether a trail's selectors record a management event (aws-facts 4.2). */
export function trailRecords(trail: TrailRecord, event: Record<string, unknown>): boolean {
  if (!trail.logging) return false;
  if (!trail.multiRegion && event.awsRegion !== trail.homeRegion) return false;
  const readOnly = event.readOnly === true;
  const source = String(event.eventSource);
  if (trail.advancedEventSelectors && trail.advancedEventSelectors.length > 0) {
    return trail.advancedEventSelectors.some((sel) =>
      sel.FieldSelectors.every((f) => {
        const value =
          f.Field === 'eventCategory'
            ? 'Management'
            : f.Field === 'readOnly'
              ? String(readOnly)
              : f.Field === 'eventSource'
                ? source
                : f.Field === 'eventName'
                  ? String(event.eventName)
                  : undefined;
        if (value === undefined) return true;
        if (f.Equals && !f.Equals.includes(value)) return false;
        if (f.NotEquals && f.NotEquals.includes(value)) return false;
        if (f.StartsWith && !f.StartsWith.some((p) => value.startsWith(p))) return false;
        if (f.NotStartsWith && f.NotStartsWith.some((p) => value.startsWith(p))) return false;
        return true;
      }),
    );
  }
  const selectors = trail.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }];
  return selectors.some(
    (s) =>
      s.IncludeManagementEvents &&
      (s.ReadWriteType === 'All' || (s.ReadWriteType === 'ReadOnly') === readOnly) &&
      !(s.ExcludeManagementEventSources ?? []).includes(source),
  );
}

/** recordCall of the contract: one AwsApiCall event per call. */
export function recordApiCall(
  acc: Account,
  ctx: CallContext,
  input: Record<string, unknown>,
  outcome: { output?: unknown; error?: SandboxError },
): EventRecord {
  const t = acc.nowMs();
  const id = identityFor(acc, ctx.accessKeyId, ctx.principal);
  const readOnly = isReadOnly(ctx.operation);
  const source = eventSource(ctx.service);
  const arns = ctx.service === 'kms' ? keyResources(acc, input, outcome.output) : [];
  const eventId = acc.ids.uuid();
  const event: Record<string, unknown> = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(acc, id, ctx.accessKeyId),
    eventTime: isoSeconds(t),
    eventSource: source,
    eventName: ctx.operation,
    awsRegion: ctx.region,
    sourceIPAddress: ctx.sourceIp ?? '127.0.0.1',
    userAgent: ctx.userAgent ?? 'sandbox',
  };
  if (outcome.error) {
    event.errorCode = outcome.error.code;
    event.errorMessage = outcome.error.message;
  }
  event.requestParameters = Object.keys(input).length === 0 ? null : toTrailShape(input);
  event.responseElements =
    readOnly || outcome.error || outcome.output === undefined ? null : (toTrailShape(outcome.output) ?? null);
  if (
    event.responseElements &&
    typeof event.responseElements === 'object' &&
    Object.keys(event.responseElements).length === 0
  )
    event.responseElements = null;
  if (ctx.service === 'kms' && arns.length === 1) {
    const k = acc.keyById.get(arns[0]!.slice(arns[0]!.lastIndexOf('/') + 1));
    if (k?.storeId)
      event.additionalEventData = { customKeyStoreId: k.storeId, ...(k.xksKeyId ? { xksKeyId: k.xksKeyId } : {}) };
    // GetKeyLastUsage names the CloudTrail event of the last successful cryptographic call
    if (k && !outcome.error && k.lastUsage?.requestId === ctx.requestId) k.lastUsage.eventId = eventId;
  }
  // member by member (not Object.assign of a spread): the same order, without the copies
  event.requestID = ctx.requestId;
  event.eventID = eventId;
  event.readOnly = readOnly;
  if (arns.length > 0)
    event.resources = arns.map((arn) => ({ accountId: acc.accountId, type: 'AWS::KMS::Key', ARN: arn }));
  event.eventType = 'AwsApiCall';
  event.managementEvent = true;
  event.recipientAccountId = acc.accountId;
  event.eventCategory = 'Management';
  return appendEvent(acc, event, {
    id: eventId,
    t,
    name: ctx.operation,
    source,
    readOnly,
    ...(ctx.accessKeyId ? { accessKeyId: ctx.accessKeyId } : {}),
    username: id.userName,
    resources: arns.map((arn) => ({ type: 'AWS::KMS::Key', name: arn })),
  });
}

/**
 * The DeleteKey AwsServiceEvent KMS writes when a key's waiting period ends (aws-facts 2.4):
 * invokedBy "AWS Internal", requestParameters null, resources[0].ARN the key ARN, and for
 * CloudHSM keys the backing key and whether KMS could delete it.
 */
export function recordDeleteKeyEvent(
  acc: Account,
  t: number,
  keyArn: string,
  additional: Record<string, unknown> | undefined,
): EventRecord {
  const eventId = acc.ids.uuid();
  const event: Record<string, unknown> = {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId: acc.accountId, invokedBy: 'AWS Internal' },
    eventTime: isoSeconds(t),
    eventSource: 'kms.amazonaws.com',
    eventName: 'DeleteKey',
    awsRegion: acc.region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    ...(additional ? { additionalEventData: additional } : {}),
    eventID: eventId,
    readOnly: false,
    resources: [{ accountId: acc.accountId, type: 'AWS::KMS::Key', ARN: keyArn }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: acc.accountId,
    eventCategory: 'Management',
  };
  return appendEvent(acc, event, {
    id: eventId,
    t,
    name: 'DeleteKey',
    source: 'kms.amazonaws.com',
    readOnly: false,
    resources: [{ type: 'AWS::KMS::Key', name: keyArn }],
  });
}
