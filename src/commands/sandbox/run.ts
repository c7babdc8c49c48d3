/**
 * kscli sandbox serve | reset | advance | status: what each subcommand does, with typed results.
 * The sandbox modules are imported here lazily, so that `kscli --version` and `--help` never load them.
 */
import type { App } from '../../app.js';
import type { AdvanceReport, SandboxStatus } from '../../sandbox/contract.js';
import type { ScenarioParams } from '../../sandbox/server/model-holder.js';
import { existsSync } from 'node:fs';
import { archiveJournals } from '../../workflow/journal-archive.js';
import type { SandboxStatusResult, SandboxResetResult, SandboxAdvanceResult } from '../../workflow/results.js';
export type { SandboxStatusResult, SandboxResetResult, SandboxAdvanceResult };

/** The state file: --state, else $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json. */
export async function statePathOf(app: Pick<App, 'env'>, opts: { state?: string }): Promise<string> {
  if (opts.state) return opts.state;
  const { defaultStatePath } = await import('../../sandbox/index.js');
  return defaultStatePath(app.env);
}

/** The accounts of a sandbox world: the home account and, in an organization, every member. */
function accountsOf(status: SandboxStatus): string[] {
  return [status.accountId, ...(status.estate?.memberAccounts ?? []).map((a) => a.id)];
}

export async function runSandboxReset(
  statePath: string,
  scenario: 'demo' | 'large' | 'org' | 'empty',
  sizes: ScenarioParams,
  home?: string,
): Promise<SandboxResetResult> {
  const { realModelFactory, resetState, readStatus } = await import('../../sandbox/index.js');
  const factory = await realModelFactory();
  let before: string[] = [];
  if (home && existsSync(statePath)) {
    try {
      before = accountsOf(readStatus(factory, statePath));
    } catch {
      // an unreadable state file: the new world's accounts still get a fresh journal
    }
  }
  const status = resetState(factory, statePath, scenario, sizes);
  // a fresh world gets a fresh journal (workflow/journal-archive.ts)
  const journal = home
    ? archiveJournals(home, [...new Set([...before, ...accountsOf(status)])], new Date())
    : undefined;
  return { statePath, scenario, status, ...(journal ? { journalArchived: journal } : {}) };
}

export async function runSandboxAdvance(statePath: string, ms: number): Promise<SandboxAdvanceResult> {
  const { realModelFactory, advanceState, callOwningServer } = await import('../../sandbox/index.js');
  // a running server holds unsaved changes in memory: it must do the advance itself
  const viaServer = (await callOwningServer(statePath, 'POST', 'advance', { ms })) as
    (Omit<AdvanceReport, 'from' | 'to'> & { from: string; to: string }) | undefined;
  const report: AdvanceReport = viaServer
    ? { ...viaServer, from: new Date(viaServer.from), to: new Date(viaServer.to) }
    : advanceState(await realModelFactory(), statePath, ms);
  return { statePath, report, viaServer: viaServer !== undefined };
}

export async function runSandboxStatus(statePath: string): Promise<SandboxStatusResult> {
  const { realModelFactory, readStatus, callOwningServer } = await import('../../sandbox/index.js');
  const viaServer = (await callOwningServer(statePath, 'GET', 'status')) as
    (Omit<SandboxStatus, 'now'> & { now: string }) | undefined;
  const status: SandboxStatus = viaServer
    ? { ...viaServer, now: new Date(viaServer.now) }
    : readStatus(await realModelFactory(), statePath);
  return { statePath, status };
}
