/**
 * What the read commands return and their renderers show (src/ui/render/<verb>.ts): the result
 * types live here, in the workflow, so that ui/ never imports commands/ (architecture.md section 2).
 * Each command's run (src/commands/<verb>/run.ts) builds one; none prints.
 */
import type { StoreLeftover } from './cost/leftovers.js';
import type { ClusterInfo, KeyInfo, StoreInfo } from '../aws/ports.js';
import type { CostFigure, PriceSource } from './cost/hsm-cost.js';
import type { AdvanceReport, SandboxStatus } from '../sandbox/contract.js';
import type { BackupsReport } from './backups.js';
import type { StoreDeletion } from './deleted-store.js';
import type { ArchivedJournals } from './journal-archive.js';
import type { Gap, Skip } from './estate/gaps.js';
import type { KeyAssessment } from './evidence/index.js';
import type { EvidenceRunSummary } from './evidence/logs-insights-source.js';
import type { OrphanedMaterial } from './orphans.js';
import type { DependentsRun } from './evidence/dependents/types.js';
import type { TrialCount } from './trial/count.js';
import type { TrialRecommendation } from './trial/recommend.js';
import type { TrialReport } from './trial/state.js';

export interface StoreRow {
  store: StoreInfo;
  keyCount: number;
  keyCounts: Record<string, number>;
  /** keys disabled for a kscli trial (issue 20; workflow/trial/count.ts) */
  trial: TrialCount;
  /** with --regions: the store's Region */
  region?: string;
  /** CloudHSM stores: the cluster (null: not found) and what its HSMs cost a month, or why it could not be read */
  cluster?: ClusterInfo | null;
  clusterError?: string;
  cost?: CostFigure;
}

export interface StoresResult {
  region: string;
  stores: StoreRow[];
  /** where the HSM prices came from (absent: no cluster was priced) */
  prices?: PriceSource;
  priceLine?: string;
  /** with --regions: what was asked ('all' or the list), and what could not be read */
  regions?: 'all' | string[];
  gaps?: Gap[];
  skipped?: Skip[];
}

export interface FindKeysResult {
  store: StoreInfo;
  /** oldest first (creation date, then key ID) */
  keys: KeyInfo[];
  aliases: Map<string, string[]>;
}

/**
 * The evidence window the verdicts rest on: what was searched (never more), and what was asked
 * (`requestedDays`: --days, which only a log group can honour beyond 90).
 */
export interface UsageWindow {
  cloudTrailStart: Date;
  cloudTrailEnd: Date;
  cloudTrailDays: number;
  requestedDays: number;
  unusedDays: number;
}

export interface UsageResult {
  store: StoreInfo;
  region: string;
  window: UsageWindow;
  /** the keys examined, oldest first */
  keys: KeyInfo[];
  /** one per key, in the same order */
  assessments: KeyAssessment[];
  /** the source, the stretches searched, the log group, the queries, the fallbacks */
  evidence?: EvidenceRunSummary;
  /** the account (STS), when it can be read: the review document names it */
  account?: string;
  /** how the data-at-rest search covered each resource type (issue 19) */
  dependents?: DependentsRun;
  /** --output markdown, CloudHSM stores: what the store's cluster costs a month (issue 21) */
  clusterCost?: { hsmCount: number; monthlyUsd: number; usdPerHour: number; priceLine: string } | { error: string };
  /** issue 20: the keys in a kscli trial, keys whose tags could not be read, and where a trial is recommended */
  trials?: UsageTrials;
}

export interface UsageTrials {
  reports: Map<string, TrialReport>;
  tagErrors: Map<string, string>;
  recommended: Map<string, TrialRecommendation>;
  /** the command that rolls a trial back, with the run's context flags (Deps.nextStep) */
  rollback: string;
}

export type BackupsResult =
  /** deleted: the store no longer exists; the report is made from its records (workflow/deleted-store.ts) */
  | { store: StoreInfo; kind: 'report'; report: BackupsReport; deleted?: StoreDeletion }
  /** an external key store has no cluster: nothing to report */
  | { store: StoreInfo; kind: 'not-cloudhsm'; note: string };

export interface OrphansResult {
  store: StoreInfo;
  /** the store no longer exists: reported from its records */
  deleted?: StoreDeletion;
  /** empty for an external key store (nothing looked up) */
  orphans: OrphanedMaterial[];
  /** how to clean up the orphans, its commands with the run's context flags (orphans.ts orphanCleanupSteps) */
  cleanupSteps: string[];
}

/** What KMS leaves behind once a CloudHSM store is deleted (case 5): for the renderer. */
export interface DeleteStoreCleanup {
  storeId: string;
  /** CloudHSM stores: what KMS leaves behind in backups and in the cluster */
  backups?: BackupsReport;
  orphans?: OrphanedMaterial[];
  /** how to clean up the orphans (orphans.ts orphanCleanupSteps) */
  orphanSteps?: string[];
  /** what still costs money: the cluster and its HSMs, or the XKS proxy (workflow/cost/leftovers.ts) */
  leftover?: StoreLeftover;
  /** where the HSM price came from (Price List or kscli's dated table) */
  priceLine?: string;
}

export interface SandboxStatusResult {
  statePath: string;
  status: SandboxStatus;
}

export interface SandboxResetResult extends SandboxStatusResult {
  scenario: 'demo' | 'large' | 'org' | 'empty';
  /** the earlier rehearsal's journals, moved aside (workflow/journal-archive.ts) */
  journalArchived?: ArchivedJournals;
}

export interface SandboxAdvanceResult {
  statePath: string;
  report: AdvanceReport;
  /** a running server held the state: it did the advance */
  viaServer: boolean;
}
