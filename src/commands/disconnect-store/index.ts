/**
 * kscli disconnect-store <storeId> [--wait-timeout 20m] [--force] [--allow-orphaned-material]
 * Disconnects, then waits (progress shown) until DISCONNECTED. Preconditions:
 * src/workflow/disconnect-store.ts. Exit 0 done or already DISCONNECTED; 3 blocked; 8 when still
 * DISCONNECTING after --wait-timeout (run again to keep waiting).
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "disconnect-store" and one plan line, action "DisconnectCustomKeyStore" or "WaitForDisconnected".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { validateStoreId } from '../../workflow/validate.js';
import { forceOption, parseWaitTimeoutFlag, storeIdArgument, waitTimeoutOption } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export interface DisconnectStoreFlags {
  waitTimeout: string;
  force: boolean;
  allowOrphanedMaterial: boolean;
}

export const disconnectStoreCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('disconnect-store')
      .addArgument(storeIdArgument())
      .description('disconnect a custom key store, then wait until it is DISCONNECTED')
      .addOption(waitTimeoutOption())
      .addOption(forceOption('disconnect even though keys are Enabled (their callers break at once)'))
      .option(
        '--allow-orphaned-material',
        'disconnect a CloudHSM store whose keys wait for deletion (their key material stays in the cluster)',
        false,
      )
      .addHelpText(
        'after',
        '\nExamples:\n  kscli disconnect-store cks-1234567890abcdef0 --dry-run\n  kscli disconnect-store cks-1234567890abcdef0 --wait-timeout 30m --yes\n',
      )
      .action((storeIdInput: string, flags: DisconnectStoreFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const waitTimeoutMs = parseWaitTimeoutFlag(flags.waitTimeout);
        return withDeps(app, async (deps) => {
          const [{ runPlanCommand }, { disconnectStoreSpec }] = await Promise.all([
            import('../plan-command.js'),
            import('./run.js'),
          ]);
          const options = {
            storeId,
            waitTimeoutMs,
            force: Boolean(flags.force),
            allowOrphanedMaterial: Boolean(flags.allowOrphanedMaterial),
          };
          return runPlanCommand(deps, 'disconnect-store', disconnectStoreSpec(deps, options), undefined, options);
        });
      });
  },
};
