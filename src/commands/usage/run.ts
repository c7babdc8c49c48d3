/**
 * kscli usage: the evidence of each key's use and its verdict. Read-only.
 *
 * Pacing: GetKeyLastUsage (5/s) and LookupEvents (2/s) are paced by the adapters and gathered side
 * by side, so 200 keys take about max(200/5, lookups/2) seconds; a progress bar with an ETA shows
 * on a terminal.
 */
import type { KeyInfo, StoreInfo } from '../../aws/ports.js';
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { KeyAssessment } from '../../workflow/evidence/index.js';
import { selectKeys } from '../../workflow/key-selection.js';
import { accountOrUndefined, describeStore, recordKeysSeen, scanStoreKeys } from '../../workflow/store-session.js';
import type { KeyRef } from '../../workflow/validate.js';

const DAY_MS = 86_400_000;

export interface UsageOptions {
  storeId: string;
  /** --key: only these keys of the store (default: all) */
  include: KeyRef[];
  days: number;
  unusedDays: number;
}

/** The evidence window the verdicts rest on. */
export interface UsageWindow {
  cloudTrailStart: Date;
  cloudTrailEnd: Date;
  cloudTrailDays: number;
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
  /** the account (STS), when it can be read: the review document names it */
  account?: string;
}

export async function runUsage(deps: Deps, o: UsageOptions): Promise<UsageResult> {
  const { storeId, days, unusedDays } = o;
  const store = await describeStore(deps, storeId);
  const storeKeys = await scanStoreKeys(deps, storeId);
  const selection = await selectKeys(deps.aws, storeId, storeKeys, o.include, [], 'usage');
  if (selection.refused.length) {
    throw new KscliError(ExitCode.Blocked, selection.refused.map((r) => r.reason).join('; '), `run "kscli find-keys ${storeId}" to list the keys of the store`);
  }
  const keys = selection.selected.sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime() || a.keyId.localeCompare(b.keyId));
  await recordKeysSeen(deps, storeId, 'usage', storeKeys);
  const now = deps.clock.now();
  // the real evidence module (not deps.evidence(), the deletion steps' narrower seam): usage is its report
  const { assessKeys } = await import('../../workflow/evidence/index.js');
  const bar = deps.progress.bar('examining key usage');
  let assessed: Map<string, KeyAssessment>;
  try {
    // allow both: `usage` reports verdicts, it blocks nothing
    assessed = await assessKeys(deps.aws, keys, { allowInUse: true, allowUnknownUsage: true, days, unusedDays, now, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.stop();
  }
  return {
    store,
    account: await accountOrUndefined(deps),
    region: deps.region,
    window: { cloudTrailStart: new Date(now.getTime() - days * DAY_MS), cloudTrailEnd: now, cloudTrailDays: days, unusedDays },
    keys,
    assessments: keys.map((k) => assessed.get(k.keyId)!),
  };
}
