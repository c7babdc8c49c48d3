/**
 * kscli sandbox serve | reset | advance | status: what each subcommand does, with typed results.
 * The sandbox modules are imported here lazily, so that `kscli --version` and `--help` never load them.
 */
import type { App } from '../../app.js';
import type { AdvanceReport, SandboxStatus } from '../../sandbox/contract.js';
import type { ScenarioParams } from '../../sandbox/server/model-holder.js';
import type { SandboxStatusResult, SandboxResetResult, SandboxAdvanceResult } from '../../workflow/results.js';
export type { SandboxStatusResult, SandboxResetResult, SandboxAdvanceResult };

/** The state file: --state, else $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json. */
export async function statePathOf(app: Pick<App, 'env'>, opts: { state?: string }): Promise<string> {
  if (opts.state) return opts.state;
  const { defaultStatePath } = await import('../../sandbox/index.js');
  return defaultStatePath(app.env);
}

export async function runSandboxReset(
  statePath: string,
  scenario: 'demo' | 'large' | 'org' | 'empty',
  sizes: ScenarioParams,
): Promise<SandboxResetResult> {
  const { realModelFactory, resetState } = await import('../../sandbox/index.js');
  const status = resetState(await realModelFactory(), statePath, scenario, sizes);
  return { statePath, scenario, status };
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
