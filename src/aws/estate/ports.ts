/**
 * What the estate runner (src/workflow/estate/) needs from AWS beyond one account's ports: the
 * organization's accounts, credentials in other accounts (STS AssumeRole), the Regions each account
 * has enabled (account:ListRegions), and readers per account and Region. Kept apart from
 * src/aws/ports.ts so that one-account commands never load any of it.
 *
 * Error contract: like ports.ts (KscliError for credentials, access and network; AwsCallError for
 * the rest). The runner turns every error of one account or Region into a gap of the report.
 */
import type { AwsPorts, CallerIdentity, CloudHsmPort, KmsPort } from '../ports.js';

/** One account as AWS Organizations lists it. */
export interface OrgAccountInfo {
  id: string;
  name?: string;
  email?: string;
  /**
   * ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION: the `State` field, or the
   * legacy `Status` when State is absent (Status is retired on 2026-09-09; older endpoints or
   * proxies may still send only it: UNCONFIRMED whether any does, so both are read).
   */
  state: string;
}

export interface OrganizationInfo {
  id: string;
  managementAccountId: string;
}

export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

export interface RegionInfo {
  name: string;
  status: RegionOptStatus | string;
}

export interface OrganizationsPort {
  describeOrganization(): Promise<OrganizationInfo>;
  /** ListAccounts, every page (pages of at most 20; an empty page does not end the listing). */
  listAccounts(): Promise<OrgAccountInfo[]>;
  /** The accounts of an OU and of every OU below it (ListChildren + ListAccountsForParent). */
  listAccountsUnder(parentId: string): Promise<OrgAccountInfo[]>;
}

/** The Account Management API (a global service): which Regions an account has enabled. */
export interface AccountPort {
  /** account:ListRegions of the account whose credentials sign the call, every page. */
  listRegions(): Promise<RegionInfo[]>;
}

/** How to reach one account. */
export interface AccountAccess {
  accountId: string;
  /** undefined: the current credentials (the caller's own account never assumes a role) */
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
}

/** Credentials in one account, refreshed before they expire; readers for its Regions. */
export interface AccountSession {
  readonly accountId: string;
  /** Assumes the role (once; again when the credentials near expiry or after invalidate()). */
  ready(): Promise<void>;
  /** Drop the cached credentials (AWS said they expired: the sandbox clock or a skewed one). */
  invalidate(): void;
  /** account:ListRegions for this account, with its own credentials. */
  listRegions(): Promise<RegionInfo[]>;
  kms(region: string): KmsPort;
  cloudhsm(region: string): CloudHsmPort;
  /** Every port of one Region, for the evidence code (--usage): built on first use. */
  ports(region: string): Promise<AwsPorts>;
  /** Let go of the clients of a Region once its work is done (memory stays flat over 17,000 Regions). */
  release(region: string): void;
}

export interface EstateAws {
  readonly homeRegion: string;
  callerIdentity(): Promise<CallerIdentity>;
  organizations(): OrganizationsPort;
  session(access: AccountAccess): AccountSession;
}
