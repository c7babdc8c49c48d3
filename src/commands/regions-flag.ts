/**
 * `--regions LIST|all` on the read commands (issue 11), for the current credentials' account:
 * - `stores --regions`: the stores of every Region listed (or every Region the account has
 *   enabled), through the estate runner (concurrent, each Region its own quota bucket; a Region
 *   that cannot be read is a gap: exit 6);
 * - `find-keys | orphans | backups <store> --regions`: find the Region that holds the store, then run
 *   the command there as if --region had named it.
 */
import type { App } from '../app.js';
import { ExitCode, KscliError } from '../errors.js';
import { parseRegions } from '../input/estate-options.js';

export const REGIONS_HELP =
  'comma-separated Regions, or all (every Region the account has enabled, from account:ListRegions)';

/**
 * The one definition of `--regions` (flag and help), for `.option(...regionsOption(what))`:
 * `what` says what the Regions are for; `help` replaces the usual explanation (inventory's differs).
 */
export function regionsOption(what: string, help = REGIONS_HELP): [flags: string, description: string] {
  return ['--regions <list|all>', `${what}: ${help}`];
}

/** Regions searched at once for a store. */
const SEARCH_CONCURRENCY = 8;

/**
 * Runs `action` with the Region that holds `storeId` (of the Regions `regionsFlag` names). Without
 * the flag, runs it as is. Not found anywhere: exit 3 naming the Regions searched.
 */
export async function inStoreRegion(
  app: App,
  storeId: string,
  regionsFlag: string | undefined,
  action: (app: App) => Promise<void>,
): Promise<void> {
  if (regionsFlag === undefined) return action(app);
  const selection = parseRegions(regionsFlag);
  if (app.globals().region && selection.mode !== 'home')
    throw new KscliError(
      ExitCode.BadInput,
      'give either --region or --regions, not both',
      '--regions searches for the store; --region names its Region',
    );
  // loaded only when --regions is used: --help and the one-Region runs never pay for them
  const [{ createDeps }, { TaskPool }, { classify }] = await Promise.all([
    import('../deps.js'),
    import('../aws/pool.js'),
    import('../workflow/estate/gaps.js'),
  ]);
  const deps = await createDeps(app);
  let found: string[] = [];
  let searched: string[] = [];
  const failures: string[] = [];
  try {
    const { withEstate } = await import('../aws/estate/sdk-estate.js');
    await withEstate(await deps.awsConfig(), async (estate) => {
      const caller = await estate.callerIdentity();
      const session = estate.session({ accountId: caller.account });
      searched =
        selection.mode === 'list'
          ? selection.regions
          : selection.mode === 'all'
            ? (await session.listRegions())
                .filter((r) => ['ENABLED', 'ENABLED_BY_DEFAULT', 'DISABLING'].includes(r.status))
                .map((r) => r.name)
            : [deps.region];
      const pool = new TaskPool(SEARCH_CONCURRENCY);
      for (const region of searched) {
        await pool.submit(async () => {
          try {
            if (await session.kms(region).describeStore(storeId)) found.push(region);
          } catch (error) {
            const g = classify(error, { accountId: caller.account, region });
            failures.push(`${region} (${g.kind}${g.errorCode ? ` ${g.errorCode}` : ''})`);
          } finally {
            session.release(region);
          }
        });
      }
      await pool.settle();
      found = found.sort();
      if (found.length === 0) {
        throw new KscliError(
          ExitCode.Blocked,
          `custom key store ${storeId} was not found in account ${caller.account} in the ${searched.length} Region(s) searched (${searched.join(', ')})${failures.length ? `; not readable: ${failures.join(', ')}` : ''}`,
          'check the store ID and --profile; kscli stores --regions all lists the stores of every Region',
        );
      }
    });
  } finally {
    await deps.close();
  }
  const region = found[0]!;
  app.io.err.write(
    `kscli: ${storeId} is in ${region}${failures.length ? ` (not readable: ${failures.join(', ')})` : ''}\n`,
  );
  return action({ ...app, globals: () => ({ ...app.globals(), region }) });
}
