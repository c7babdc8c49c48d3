/**
 * The estate runner: runs one piece of read-only work in every (account, Region) of a set of
 * accounts, concurrently, and turns every failure into a gap instead of stopping.
 *
 * - Accounts: each gets a session (the caller's own account uses the current credentials; others
 *   assume the role through STS, refreshed before expiry, renewed once when AWS says expired).
 * - Regions: a list, the home Region, or `all`: the Regions account:ListRegions says the account
 *   has enabled (never a hard-coded list). Listed Regions the account has not enabled are skips.
 * - Concurrency: at most `concurrency` account-Regions at once across the estate (one pool), and
 *   a few accounts being prepared (AssumeRole, ListRegions) ahead of them. Each account-Region
 *   has its own pacer inside its session: its own quota bucket, as in AWS.
 * - Memory: an account's session and clients live only while its Regions are being read.
 */
import { TaskPool } from '../../aws/pool.js';
import type { AccountSession, EstateAws, RegionInfo } from '../../aws/estate/ports.js';
import type { EstateAccount } from './accounts.js';
import { roleArnFor } from './accounts.js';
import { classify, isExpiredCredentials, type Gap, type Skip } from './gaps.js';

export type RegionSelection = { mode: 'home' } | { mode: 'list'; regions: string[] } | { mode: 'all' };

export interface EstateProgress {
  accountsDone: number;
  accountsTotal: number;
  regionsDone: number;
  /** account-Regions known so far (grows as accounts are prepared) */
  regionsKnown: number;
}

export interface EstateRunOptions {
  accounts: EstateAccount[];
  /** the account of the current credentials: read with them, no role assumed */
  callerAccount: string;
  regions: RegionSelection;
  roleName: string;
  externalId?: string;
  sessionName: string;
  concurrency: number;
  onProgress?: (p: EstateProgress) => void;
}

export interface RegionWork {
  account: EstateAccount;
  session: AccountSession;
  region: string;
}

export interface EstateSink {
  gap(g: Gap): void;
  skip(s: Skip): void;
}

/** Accounts prepared ahead of the Region pool: enough to keep it fed, few enough to bound memory. */
const ACCOUNT_LOOKAHEAD = 16;

const ENABLED = new Set(['ENABLED', 'ENABLED_BY_DEFAULT', 'DISABLING']);

function named(a: EstateAccount): { accountId: string; accountName?: string } {
  return { accountId: a.id, ...(a.name ? { accountName: a.name } : {}) };
}

/** Runs `work` in every account-Region; resolves when all are done. Never rejects for AWS errors. */
export async function runEstate(
  estate: EstateAws,
  opts: EstateRunOptions,
  work: (w: RegionWork) => Promise<void>,
  sink: EstateSink,
): Promise<EstateProgress> {
  const progress: EstateProgress = {
    accountsDone: 0,
    accountsTotal: opts.accounts.length,
    regionsDone: 0,
    regionsKnown: 0,
  };
  const report = () => opts.onProgress?.({ ...progress });
  const regionPool = new TaskPool(Math.max(1, opts.concurrency));
  const accountPool = new TaskPool(Math.max(1, Math.min(ACCOUNT_LOOKAHEAD, opts.concurrency)));

  const accountDone = () => {
    progress.accountsDone++;
    report();
  };

  const runRegion = async (account: EstateAccount, session: AccountSession, region: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await work({ account, session, region });
        return;
      } catch (error) {
        // the sandbox clock, a skewed local clock or a revoked session: assume again, once
        if (attempt === 1 && isExpiredCredentials(error)) {
          session.invalidate();
          continue;
        }
        sink.gap(classify(error, { ...named(account), region }));
        return;
      } finally {
        session.release(region);
      }
    }
  };

  const prepare = async (account: EstateAccount): Promise<void> => {
    if (account.state !== 'ACTIVE') {
      sink.skip({ ...named(account), kind: 'account-not-active', reason: `account state ${account.state}: not read` });
      accountDone();
      return;
    }
    const self = account.id === opts.callerAccount;
    const session = estate.session({
      accountId: account.id,
      ...(self
        ? {}
        : { roleArn: roleArnFor(account.id, account.role ?? opts.roleName), sessionName: opts.sessionName }),
      ...(!self && (account.externalId ?? opts.externalId)
        ? { externalId: account.externalId ?? opts.externalId }
        : {}),
    });
    try {
      await session.ready();
    } catch (error) {
      sink.gap(classify(error, { ...named(account), assuming: true }));
      accountDone();
      return;
    }
    const regions = await regionsOf(estate, session, account, opts.regions, sink);
    progress.regionsKnown += regions.length;
    report();
    if (regions.length === 0) {
      accountDone();
      return;
    }
    let left = regions.length;
    for (const region of regions) {
      await regionPool.submit(async () => {
        await runRegion(account, session, region);
        progress.regionsDone++;
        if (--left === 0) accountDone();
        else report();
      });
    }
  };

  for (const account of opts.accounts) {
    await accountPool.submit(() =>
      prepare(account).catch((error: unknown) => {
        // a bug or an unexpected error in one account must not end the others
        sink.gap(classify(error, named(account)));
      }),
    );
  }
  await accountPool.settle();
  await regionPool.settle();
  return progress;
}

/** The Regions to read in one account; records skips for Regions it has not enabled. */
async function regionsOf(
  estate: EstateAws,
  session: AccountSession,
  account: EstateAccount,
  selection: RegionSelection,
  sink: EstateSink,
): Promise<string[]> {
  const wanted =
    account.regions ??
    (selection.mode === 'list' ? selection.regions : selection.mode === 'home' ? [estate.homeRegion] : undefined);
  // one Region asked for: no ListRegions call (the common single-account run stays one call)
  if (wanted && wanted.length === 1) return wanted;
  let listed: RegionInfo[];
  try {
    listed = await session.listRegions();
  } catch (error) {
    const gap = classify(error, named(account));
    if (wanted) return wanted; // read them all; a disabled one will show as its own gap
    sink.gap({
      ...gap,
      kind: 'regions-unknown',
      reason: `cannot list the account's enabled Regions (${gap.errorCode ?? gap.kind}): only ${estate.homeRegion} was read; give --regions to choose`,
    });
    return [estate.homeRegion];
  }
  const status = new Map(listed.map((r) => [r.name, r.status]));
  if (!wanted) return listed.filter((r) => ENABLED.has(r.status)).map((r) => r.name);
  const out: string[] = [];
  for (const region of wanted) {
    const s = status.get(region);
    if (s !== undefined && !ENABLED.has(s))
      sink.skip({ ...named(account), region, kind: 'region-not-enabled', reason: `Region ${s} for this account` });
    else out.push(region);
  }
  return out;
}
