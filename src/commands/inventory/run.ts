/**
 * kscli inventory, the run: resolve the accounts (caller, file, organization), run the estate
 * inventory, render it, and return 0 (complete) or 6 (complete with gaps).
 */
import { nextStepIn } from '../../ui/next-step.js';
import { userInfo } from 'node:os';
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { EstateAws } from '../../aws/estate/ports.js';
import { operatorOf, readAccountsFile, sessionNameFor, type EstateAccount } from '../../workflow/estate/accounts.js';
import { awsErrorName } from '../../workflow/estate/gaps.js';
import { runInventory } from '../../workflow/estate/inventory.js';
import type { RegionSelection } from '../../workflow/estate/runner.js';
import type { InventoryMeta, InventoryView } from '../../ui/render/inventory.js';
import type { InventoryFlags } from './command.js';

export interface ParsedInventoryFlags {
  regions: RegionSelection;
  concurrency: number;
  roleName: string;
  externalId?: string;
  ou?: string;
  days?: number;
  unusedDays?: number;
}

/** The organization's accounts, or the error that says why they cannot be listed. */
async function orgAccounts(estate: EstateAws, caller: string, ou: string | undefined): Promise<EstateAccount[]> {
  try {
    const org = estate.organizations();
    const list = ou ? await org.listAccountsUnder(ou) : await org.listAccounts();
    return list.map((a) => ({ id: a.id, ...(a.name ? { name: a.name } : {}), state: a.state }));
  } catch (error) {
    const code = awsErrorName(error);
    if (code === 'AWSOrganizationsNotInUseException') {
      throw new KscliError(
        ExitCode.BadInput,
        `--org: account ${caller} is not a member of an AWS Organization`,
        'drop --org to read this account, or list the accounts in a file (--accounts FILE)',
        { cause: error },
      );
    }
    if (code?.startsWith('AccessDenied')) {
      throw new KscliError(
        ExitCode.Credentials,
        `--org: account ${caller} may not list the organization's accounts (organizations:ListAccounts${ou ? 'ForParent' : ''}: ${code})`,
        'run with credentials of the management account or of a delegated administrator, or use --accounts FILE',
        { cause: error },
      );
    }
    if (code === 'ParentNotFoundException')
      throw new KscliError(
        ExitCode.BadInput,
        `--ou ${ou}: no such organizational unit in this organization`,
        'aws organizations list-roots and list-organizational-units-for-parent show the IDs',
        { cause: error },
      );
    throw error;
  }
}

/** Runs the inventory; the caller renders the view (ui/render/inventory.ts). */
export async function runInventoryCommand(
  deps: Deps,
  flags: InventoryFlags,
  parsed: ParsedInventoryFlags,
): Promise<InventoryView> {
  const fileAccounts = flags.accounts ? readAccountsFile(flags.accounts) : undefined;
  const config = await deps.awsConfig();
  const { withEstate } = await import('../../aws/estate/sdk-estate.js');
  const { result, meta } = await withEstate(config, async (estate) => {
    const caller = await estate.callerIdentity();
    let local = 'operator';
    try {
      local = userInfo().username || local;
    } catch {
      /* no user database entry (containers): the caller ARN usually names the operator anyway */
    }
    const accounts =
      fileAccounts ??
      (flags.org ? await orgAccounts(estate, caller.account, parsed.ou) : [{ id: caller.account, state: 'ACTIVE' }]);
    const meta: InventoryMeta = {
      accountSource: fileAccounts ? 'file' : flags.org ? 'org' : 'caller',
      regions: parsed.regions.mode === 'list' ? parsed.regions.regions : parsed.regions.mode,
      usage: Boolean(flags.usage),
      // the run's context flags, and --region naming the cluster's Region (it may not be the run's)
      retireStep: (clusterId, region) => nextStepIn(deps, region)(['retire-cluster', clusterId]),
    };
    const bar = deps.progress.bar(`inventory of ${accounts.length} account(s): account-Regions read`);
    let result;
    try {
      result = await runInventory(estate, {
        accounts,
        callerAccount: caller.account,
        regions: parsed.regions,
        roleName: parsed.roleName,
        externalId: parsed.externalId,
        sessionName: sessionNameFor(operatorOf(caller.arn, local)),
        concurrency: parsed.concurrency,
        onProgress: (p) => bar.update(p.regionsDone, Math.max(p.regionsKnown, p.regionsDone)),
        ...(flags.usage
          ? {
              usage: {
                evidence: () => deps.evidence(),
                days: parsed.days,
                unusedDays: parsed.unusedDays,
                now: deps.clock.now(),
              },
            }
          : {}),
      });
    } finally {
      bar.stop();
    }
    return { result, meta };
  });
  // issue 21: what the estate's HSMs cost a month, and the part no key store needs any more
  const [{ estateCosts }, { PRICING_REGION }] = await Promise.all([
    import('../../workflow/cost/estate-costs.js'),
    import('../../workflow/cost/hsm-cost.js'),
  ]);
  const costs = await estateCosts(result, () => deps.aws.pricing(PRICING_REGION));
  return { result, meta, generatedAt: deps.clock.now(), ...(costs ? { costs } : {}) };
}
