/**
 * The organization sandbox: many accounts, each with its own state per Region (a "cell": the
 * AccountModel of one account and Region), behind the one SandboxModel the HTTP layer talks to.
 *
 * Routing: the Region comes from the SigV4 credential scope; the account from the access key: a
 * session key this sandbox issued (AssumeRole) acts in its role's account until it expires
 * (ExpiredTokenException afterwards); any other key acts in the home account (the demo's caller).
 *
 * Cells are made on demand. A call that changes a cell keeps it (and the state file holds it);
 * a read-only call in a cell that holds nothing is answered from a throw-away empty cell and
 * leaves no CloudTrail event there. That simplification keeps 1,000 accounts x 17 Regions cheap
 * (an inventory reads every one of them); no kscli evidence ever looks for events in a Region
 * that holds no key.
 *
 * AWS failures the organization adds (aws-facts-estate-and-scale.md B):
 * - a Region the account has not enabled: UnrecognizedClientException for the JSON services
 *   (UNCONFIRMED for KMS specifically; the facts say "expect" it), InvalidClientTokenId for STS;
 * - a Region a service control policy denies: AccessDeniedException (CloudHsmAccessDeniedException);
 * - Organizations and Account Management are global: no Region check.
 */
import type { AdvanceReport, CallContext, SandboxModel, SandboxStatus } from '../../contract.js';
import { SandboxError } from '../../contract.js';
import { AccountModel } from '../model.js';
import type { AccountEnv } from '../account.js';
import { cryptoIds } from '../ids.js';
import { defaultConfig, emptyState, type AccountState, type SandboxConfig } from '../state.js';
import { identityFor } from '../sts/identity.js';
import { Account } from '../account.js';
import { regionEnabled, regionOptStatus } from '../account-management/account-regions.js';
import { bindRegions } from '../kms/replicas.js';
import { assumeRole, SESSION_KEY_PREFIX, sessionArn } from './assume-role.js';
import { serviceEntry } from '../../services/table.js';
import { trailArn } from '../cloudtrail/cloudtrail.js';
import type { OrgDocument, OrgState, SessionRecord } from './org-state.js';
import { bindEstate } from '../config/estate.js';
import { copyBackupToRegion } from '../cloudhsm/copy-backup.js';

/** Expired sessions are forgotten this long after expiry (their keys then get UnrecognizedClient). */
const SESSION_KEEP_MS = 12 * 3_600_000;

const QUERY_SERVICES = new Set(['sts', 'sns']);

function cellKey(account: string, region: string): string {
  return `${account}/${region}`;
}

export class OrgModel implements SandboxModel {
  private readonly cells = new Map<string, AccountModel>();
  /** cells a call touched since the last takeDirty (so takeDirty does not visit 17,000 cells) */
  private readonly touched = new Set<AccountModel>();
  private dirty = false;
  /** the settings every cell shares (timings, caps), given to cells made later */
  private readonly config: SandboxConfig;

  /**
   * The clock and ids every cell and the organization itself draw from: the system's by default;
   * a constant clock and seeded ids in tests, so a multi-account run replays from its seed.
   */
  private readonly env: Required<AccountEnv>;

  constructor(
    readonly doc: OrgDocument,
    env: AccountEnv = {},
  ) {
    this.env = { wallClock: env.wallClock ?? Date.now, ids: env.ids ?? cryptoIds };
    for (const state of doc.cells) {
      state.clockOffsetMs = doc.clockOffsetMs;
      this.cells.set(cellKey(state.accountId, state.region), new AccountModel(state, this.env));
    }
    const home = this.cells.get(cellKey(doc.homeAccount, doc.homeRegion));
    this.config = { ...defaultConfig(), ...(home?.acc.state.config ?? {}) };
    doc.cells = []; // the cells map owns them now; toJSON rebuilds the list
  }

  /** A lone account (the demo, or any version-1 state file) as the home cell of an organization-less model. */
  static fromAccount(state: AccountState, env: AccountEnv = {}): OrgModel {
    return new OrgModel(
      {
        version: 1,
        kind: 'org',
        clockOffsetMs: state.clockOffsetMs,
        homeAccount: state.accountId,
        homeRegion: state.region,
        sessions: {},
        cells: [state],
      },
      env,
    );
  }

  get org(): OrgState | undefined {
    return this.doc.org;
  }

  get accountId(): string {
    return this.doc.homeAccount;
  }

  /** The home cell (the demo account in us-east-1), for status and tests. */
  home(): AccountModel {
    return this.cell(this.doc.homeAccount, this.doc.homeRegion, true)!;
  }

  /** A stored cell, or (create) a fresh empty one that is stored. */
  cell(account: string, region: string, create = false): AccountModel | undefined {
    const key = cellKey(account, region);
    let c = this.cells.get(key);
    if (!c && create) {
      c = this.freshCell(account, region);
      this.cells.set(key, c);
      this.dirty = true;
    }
    return c;
  }

  private freshCell(account: string, region: string): AccountModel {
    const state = emptyState();
    state.accountId = account;
    state.region = region;
    state.clockOffsetMs = this.doc.clockOffsetMs;
    state.config = { ...this.config };
    return new AccountModel(state, this.env);
  }

  now(): Date {
    return new Date(this.env.wallClock() + this.doc.clockOffsetMs);
  }

  clockOffsetMs(): number {
    return this.doc.clockOffsetMs;
  }

  private session(accessKeyId: string | undefined): SessionRecord | undefined {
    return accessKeyId ? this.doc.sessions[accessKeyId] : undefined;
  }

  accountFor(ctx: CallContext): string {
    return this.session(ctx.accessKeyId)?.account ?? this.doc.homeAccount;
  }

  /** Sets ctx.accountId and ctx.principal, or throws what AWS answers for these credentials. */
  private authenticate(ctx: CallContext): string {
    const key = ctx.accessKeyId;
    const s = this.session(key);
    if (s) {
      ctx.accountId = s.account;
      ctx.principal = { type: 'AssumedRole', arn: sessionArn(s), principalId: s.principalId, userName: s.session };
      // UNCONFIRMED which name AWS uses for an expired caller session (aws-facts B2): the
      // query services (STS) are commonly `ExpiredToken`, the JSON ones `ExpiredTokenException`
      if (this.now().getTime() >= s.expires) {
        throw new SandboxError(
          QUERY_SERVICES.has(ctx.service) ? 'ExpiredToken' : 'ExpiredTokenException',
          'The security token included in the request is expired',
          400,
        );
      }
      return s.account;
    }
    if (key?.startsWith(SESSION_KEY_PREFIX)) throw this.invalidToken(ctx);
    ctx.accountId = this.doc.homeAccount;
    return this.doc.homeAccount;
  }

  private invalidToken(ctx: CallContext): SandboxError {
    return ctx.service === 'sts'
      ? new SandboxError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
      : new SandboxError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
  }

  private checkRegion(ctx: CallContext, account: string): void {
    if (serviceEntry(ctx.service)?.scope === 'global') return;
    if (!regionEnabled(this.org, account, ctx.region)) throw this.invalidToken(ctx);
    const denied = this.org?.accounts.find((a) => a.id === account)?.deniedRegions;
    if (denied?.includes(ctx.region) && (ctx.service === 'kms' || ctx.service === 'cloudhsm')) {
      const who = ctx.principal?.arn ?? `arn:aws:iam::${account}:root`;
      const service = ctx.service === 'kms' ? 'kms' : 'cloudhsm';
      throw new SandboxError(
        ctx.service === 'kms' ? 'AccessDeniedException' : 'CloudHsmAccessDeniedException',
        `User: ${who} is not authorized to perform: ${service}:${ctx.operation} with an explicit deny in a service control policy`,
        400,
      );
    }
  }

  handle(ctx: CallContext, input: Record<string, unknown>): unknown {
    const account = this.authenticate(ctx);
    this.checkRegion(ctx, account);
    const entry = serviceEntry(ctx.service);
    if (entry?.global) return entry.global(this.org, account, ctx.operation, input, this.loneRegions(account));
    if (ctx.service === 'sts' && ctx.operation === 'AssumeRole') return this.assume(ctx, account, input);

    const region = this.cellRegion(ctx);
    const key = cellKey(account, region);
    if (ctx.service === 'cloudhsm' && ctx.operation === 'CopyBackupToRegion')
      return this.copyBackup(ctx, account, input);
    const byArn = this.trailCellByArn(ctx, account, input);
    if (byArn) return byArn.handle(ctx, input);
    const stored = this.cells.get(key);
    const cell = stored ?? this.freshCell(account, region);
    // an AWS Config aggregator reads the other cells (config/estate.ts)
    if (ctx.service === 'config')
      bindEstate(cell.acc, {
        cells: () => [...this.cells.values()].map((c) => c.acc),
        organizationAccounts: () => this.org?.accounts.map((a) => a.id),
      });
    // a multi-Region key is replicated into the account's other Regions (kms/replicas.ts)
    if (ctx.service === 'kms')
      bindRegions(cell.acc, {
        cell: (r, create) => {
          const c = this.cell(account, r, create);
          if (c) this.touched.add(c);
          return c?.acc;
        },
        enabled: (r) => regionEnabled(this.org, account, r),
      });
    const out = cell.handle(ctx, input);
    if (!stored && cell.acc.dirty) {
      this.cells.set(key, cell);
      this.dirty = true;
    }
    if (cell.acc.dirty) this.touched.add(cell);
    return out;
  }

  /** A lone account's Regions: its home Region, then every Region where it has a stored cell. */
  private loneRegions(account: string): string[] | undefined {
    if (this.org) return undefined;
    const regions = new Set([this.doc.homeRegion]);
    for (const c of this.cells.values()) if (c.acc.accountId === account) regions.add(c.acc.region);
    return [...regions];
  }

  /** CopyBackupToRegion writes to the destination Region's cell (cloudhsm/copy-backup.ts). */
  private copyBackup(ctx: CallContext, account: string, input: Record<string, unknown>): unknown {
    const source = this.cells.get(cellKey(account, ctx.region));
    const out = copyBackupToRegion(source?.acc, ctx.region, input, (region) => {
      if (!regionEnabled(this.org, account, region)) return undefined;
      const cell = this.cell(account, region, true)!;
      this.touched.add(cell);
      return cell.acc;
    });
    this.dirty = true;
    return out;
  }

  /**
   * The Region whose cell answers: always the call's (issue 22). A lone account (the demo, every
   * version-1 state file) has its state in its home Region and an empty state in every other
   * Region, made on the first change there, as in AWS; ARNs, errors and CloudTrail events of
   * a call carry the Region it was sent to.
   */
  private cellRegion(ctx: CallContext): string {
    // S3 buckets are listed account-wide whatever the Region of the endpoint: they live in the home Region's cell
    return ctx.service === 's3' ? this.doc.homeRegion : ctx.region;
  }

  /**
   * CloudTrail answers a call that names a trail by its ARN from any Region (GetTrailStatus of a
   * shadow trail must use the ARN): the cell that holds the trail answers.
   */
  private trailCellByArn(ctx: CallContext, account: string, input: Record<string, unknown>): AccountModel | undefined {
    if (ctx.service !== 'cloudtrail') return undefined;
    const name = input.Name ?? input.TrailName;
    if (typeof name !== 'string' || !name.startsWith('arn:')) return undefined;
    const here = this.cells.get(cellKey(account, ctx.region));
    if (here?.acc.state.trails.some((t) => trailArn(here.acc, t) === name)) return undefined;
    for (const c of this.cells.values())
      if (c.acc.accountId === account && c.acc.state.trails.some((t) => trailArn(c.acc, t) === name)) return c;
    return undefined;
  }

  private assume(ctx: CallContext, account: string, input: Record<string, unknown>): unknown {
    const home = this.cells.get(cellKey(account, ctx.region));
    const acc = home?.acc ?? new Account(emptyState());
    const caller = ctx.principal
      ? { account, arn: ctx.principal.arn, isSession: true }
      : { account, arn: identityFor(acc, ctx.accessKeyId).arn.replace(acc.accountId, account), isSession: false };
    const now = this.now().getTime();
    const result = assumeRole(this.org, caller, input, now, this.env.ids);
    for (const [k, s] of Object.entries(this.doc.sessions))
      if (s.expires + SESSION_KEEP_MS < now) delete this.doc.sessions[k];
    this.doc.sessions[result.accessKeyId] = result.session;
    this.dirty = true;
    return result.output;
  }

  recordCall(
    ctx: CallContext,
    input: Record<string, unknown>,
    outcome: { output?: unknown; error?: SandboxError },
  ): void {
    const account = ctx.accountId ?? this.accountFor(ctx);
    // a throw-away cell (read-only call where nothing is stored) keeps no CloudTrail history
    const cell = this.cells.get(cellKey(account, this.cellRegion(ctx)));
    if (!cell) return;
    cell.recordCall(ctx, input, outcome);
    this.touched.add(cell);
  }

  advance(ms: number): AdvanceReport {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance: ms must be a finite number >= 0');
    const from = this.now();
    const report: AdvanceReport = { from, to: from, deletedKeys: [], storeTransitions: [], purgedBackups: [] };
    for (const cell of this.cells.values()) {
      const r = cell.advance(ms);
      report.deletedKeys.push(...r.deletedKeys);
      report.storeTransitions.push(...r.storeTransitions);
      report.purgedBackups.push(...r.purgedBackups);
      this.touched.add(cell);
    }
    this.doc.clockOffsetMs += ms;
    this.dirty = true;
    report.to = this.now();
    return report;
  }

  status(): SandboxStatus {
    const status = this.home().status();
    status.now = this.now();
    if (this.org) {
      let stores = 0;
      for (const c of this.cells.values()) stores += c.acc.state.stores.length;
      status.estate = {
        organizationId: this.org.id,
        accounts: this.org.accounts.length,
        regions: [...this.org.regions],
        storedCells: this.cells.size,
        stores,
        ...orgDirectory(this.org),
      };
    }
    return status;
  }

  /** Where the organization's Regions stand for one account (tests, status). */
  regionStatus(account: string, region: string): string | undefined {
    return regionOptStatus(this.org, account, region);
  }

  /** The settings of every cell (they share one configuration; new cells take it too). */
  configure(patch: Record<string, unknown> = {}): Record<string, number> {
    const settings = this.home().configure(patch);
    if (Object.keys(patch).length > 0) {
      Object.assign(this.config, settings);
      for (const cell of this.cells.values()) {
        if (cell === this.home()) continue;
        cell.configure(patch);
        this.touched.add(cell);
      }
      this.touched.add(this.home());
    }
    return settings;
  }

  takeDirty(): boolean {
    let d = this.dirty;
    this.dirty = false;
    for (const c of this.touched) if (c.takeDirty()) d = true;
    this.touched.clear();
    return d;
  }

  /**
   * A lone account with nothing beyond its home cell serialises as that account's state (the
   * version-1 file of the demo, unchanged); anything more as an OrgDocument.
   */
  toJSON(): unknown {
    const home = this.cells.get(cellKey(this.doc.homeAccount, this.doc.homeRegion));
    if (!this.org && this.cells.size === 1 && home && Object.keys(this.doc.sessions).length === 0) return home.toJSON();
    return { ...this.doc, cells: [...this.cells.values()].map((c) => c.toJSON()) };
  }
}

/** The OUs (with their paths) and accounts (with their OU and assumable role) of `sandbox status`. */
function orgDirectory(org: OrgState): {
  organizationalUnits: Array<{ id: string; name: string; path: string }>;
  memberAccounts: Array<{ id: string; name: string; state: string; parentId: string; access: string }>;
} {
  const byId = new Map(org.ous.map((u) => [u.id, u]));
  const path = (id: string): string => {
    const u = byId.get(id);
    return u ? `${u.parentId === org.rootId ? '' : `${path(u.parentId)}/`}${u.name}` : '';
  };
  return {
    organizationalUnits: org.ous.map((u) => ({ id: u.id, name: u.name, path: path(u.id) })),
    memberAccounts: org.accounts.map((a) => {
      const roles = Object.entries(a.roles).map(([n, r]) => (r.externalId ? `${n} (ExternalId ${r.externalId})` : n));
      const access = a.id === org.managementAccountId ? 'management account' : roles.join(', ') || 'no role to assume';
      return { id: a.id, name: a.name, state: a.state, parentId: a.parentId, access };
    }),
  };
}
