/**
 * The persisted shape of an organization sandbox (scenario `org`): the organization (accounts,
 * OUs, which role each account has, which opt-in Regions each has enabled), the STS sessions it
 * issued, and one AccountState per (account, Region) "cell" that holds anything. Cells are created
 * when a call first changes them; a Region nobody touched costs nothing, so 1,000 accounts x 17
 * Regions stay small.
 */
import type { AccountState } from '../state.js';

export type AccountLifecycle = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  /** the `State` field (the legacy `Status` is derived from it: organizations.ts) */
  state: AccountLifecycle;
  /** r-… or ou-… */
  parentId: string;
  joinedMethod: 'INVITED' | 'CREATED';
  /** epoch ms */
  joined: number;
  /** IAM roles that trust the management account, by name; externalId when the trust policy demands one */
  roles: Record<string, { externalId?: string }>;
  /** opt-in Regions this account has enabled (default Regions are always enabled) */
  optIn: string[];
  /** Regions a service control policy denies KMS and CloudHSM in (AccessDeniedException there) */
  deniedRegions?: string[];
}

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface OrgState {
  id: string;
  managementAccountId: string;
  managementEmail: string;
  rootId: string;
  ous: OrgUnit[];
  accounts: OrgAccount[];
  /** delegated administrators for Organizations reads (ListAccounts...) */
  delegatedAdmins: string[];
  /** the Regions of the sandbox's partition, in the scenario's order */
  regions: string[];
}

/** An STS session issued by AssumeRole. Keyed by its AccessKeyId. */
export interface SessionRecord {
  account: string;
  role: string;
  session: string;
  /** epoch ms, sandbox clock */
  expires: number;
  /** the account that assumed it */
  sourceAccount: string;
  /** the caller was itself a role session (role chaining: at most 1 h) */
  chained?: boolean;
  principalId: string;
}

export interface OrgDocument {
  version: 1;
  kind: 'org';
  /** sandbox time = Date.now() + clockOffsetMs, the same for every cell */
  clockOffsetMs: number;
  /** the account and Region of credentials the sandbox does not know (the demo's caller) */
  homeAccount: string;
  homeRegion: string;
  /** absent: a lone account (the demo) whose other Regions became cells */
  org?: OrgState;
  sessions: Record<string, SessionRecord>;
  cells: AccountState[];
}

export function isOrgDocument(json: unknown): json is OrgDocument {
  return typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'org';
}
