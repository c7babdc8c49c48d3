/**
 * The seam inside the sandbox between the HTTP layer (server, wire protocols, faults, quotas,
 * persistence: src/sandbox/server/) and the account model (state machines, services, clock,
 * CloudTrail, metric filters, alarms, scenarios: src/sandbox/model/).
 *
 * The HTTP layer decodes a request into (service, operation, input, context), asks the model to
 * handle it, encodes the answer (Dates become epoch seconds in JSON and ISO-8601 in XML), and then
 * tells the model about the outcome so that it becomes a CloudTrail event.
 */

/** The SigV4 service names of the credential scope, which is how the HTTP layer routes (services/table.ts). */
import type { ServiceName } from './services/table.js';
export type { ServiceName };

export interface CallContext {
  service: ServiceName;
  operation: string;
  /** from the credential scope of the Authorization header; us-east-1 when absent */
  region: string;
  /** from the credential scope; never logged in full (it is still a credential identifier) */
  accessKeyId?: string;
  userAgent?: string;
  sourceIp?: string;
  /** the x-amzn-requestid the HTTP layer will send */
  requestId: string;
  /**
   * The account the call acts in (an organization sandbox maps assumed-role session keys to their
   * account: model.accountFor). Absent: the model's own account.
   */
  accountId?: string;
  /** The caller when it is an STS session the sandbox issued (AssumeRole); absent: by access key (identity.ts). */
  principal?: { type: 'AssumedRole'; arn: string; principalId: string; userName: string };
}

/** An AWS error answer. `status` is the HTTP status (400 for client faults, 500 for server). */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** extra members of the JSON error body, e.g. MalformedQueryException's queryCompileError */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }
}

/** What moving the clock did, for `kscli sandbox advance` to print. */
export interface AdvanceReport {
  from: Date;
  to: Date;
  /** keys deleted because their DeletionDate passed; orphaned when the CloudHSM store was not connected */
  deletedKeys: Array<{ keyId: string; storeId?: string; backingKeysDeletionStatus?: 'SUCCESS' | 'FAILURE' }>;
  /** store connection transitions that completed (DISCONNECTING -> DISCONNECTED, CONNECTING -> CONNECTED) */
  storeTransitions: Array<{ storeId: string; from: string; to: string }>;
  /** backups purged after their 7 days in PENDING_DELETION */
  purgedBackups: string[];
}

export interface SandboxStatus {
  now: Date;
  accountId: string;
  stores: Array<{ id: string; name: string; type: string; connectionState: string; keyStates: Record<string, number> }>;
  keysOutsideStores: number;
  alarms: Array<{ name: string; state: string }>;
  backups: Array<{ id: string; clusterId: string; state: string }>;
  /** organization sandboxes (scenario org): the estate at a glance */
  estate?: {
    organizationId?: string;
    accounts: number;
    regions: string[];
    storedCells: number;
    stores: number;
    /** the OUs, with their path from the root (for --ou): the IDs appear nowhere else but the state file */
    organizationalUnits?: Array<{ id: string; name: string; path: string }>;
    /** every account: its OU and the role the management account can assume there */
    memberAccounts?: Array<{ id: string; name: string; state: string; parentId: string; access: string }>;
  };
}

/**
 * The account model. All state is JSON-serialisable through `toJSON()`; `createModel(json)` in
 * src/sandbox/model/index.ts restores it. Handlers are synchronous: the model is in memory and the
 * HTTP layer serialises access (one request is handled at a time per process).
 */
export interface SandboxModel {
  readonly accountId: string;
  /**
   * The account a call acts in, decided before quotas and faults (each account and Region is its
   * own quota bucket, as in AWS). Models of one account leave it out: every call is theirs.
   */
  accountFor?(ctx: CallContext): string;
  /** sandbox time: real time plus the offset that `advance` accumulated */
  now(): Date;
  /** that offset, ms: a client on the same machine reads sandbox time from its own clock with it (kscli's account clock) */
  clockOffsetMs(): number;
  /**
   * Handle one call. Returns the output object (Dates allowed). Throws SandboxError for AWS errors,
   * including `UnknownOperationException` for operations the model does not implement.
   * Before handling, the model applies what time has done since the last call (deletions that
   * came due, DISCONNECTING -> DISCONNECTED, ...).
   */
  handle(ctx: CallContext, input: Record<string, unknown>): unknown;
  /**
   * Record the outcome of a call as a CloudTrail event (every call, success or error, read-only
   * or not; errorCode/errorMessage on failures; resources[].ARN for calls about a key), deliver it
   * to the log groups of trails that record it, run their metric filters and evaluate alarms.
   * Cryptographic calls also update what GetKeyLastUsage returns (in `handle`, on success).
   */
  recordCall(
    ctx: CallContext,
    input: Record<string, unknown>,
    outcome: { output?: unknown; error?: SandboxError },
  ): void;
  /** Move the clock forward and apply what AWS would have done meanwhile. */
  advance(ms: number): AdvanceReport;
  status(): SandboxStatus;
  /** true when the last handle/recordCall/advance changed state that must be persisted */
  takeDirty(): boolean;
  /**
   * The model's settings (timing, caps: e.g. how long a Logs Insights query stays Scheduled),
   * after applying `patch` (numbers only; unknown names are refused with a RangeError).
   */
  configure?(patch?: Record<string, unknown>): Record<string, number>;
  toJSON(): unknown;
}

/** Converts an input timestamp (epoch seconds from JSON protocols, ISO string from awsQuery). */
export function toDate(value: unknown): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const asNumber = Number(value);
    if (!Number.isNaN(asNumber) && /^[0-9.]+$/.test(value)) return new Date(asNumber * 1000);
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
