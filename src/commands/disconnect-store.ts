/**
 * kscli disconnect-store <storeId> [--wait-timeout 20m] [--force] [--allow-orphaned-material]
 * Disconnects, then waits (progress shown) until DISCONNECTED. Preconditions:
 * src/workflow/disconnect-store.ts. Exit 0 done or already DISCONNECTED; 3 blocked; 8 when still
 * DISCONNECTING after --wait-timeout (run again to keep waiting).
 *
 * JSON (--output json): the mutating-command document (see schedule-deletion.ts) with
 * "command": "disconnect-store" and one plan line, action "DisconnectCustomKeyStore" or "WaitForDisconnected".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../app.js';
import type { Deps } from '../deps.js';
import { planDisconnectStore, type DisconnectOptions } from '../workflow/disconnect-store.js';
import { parseDuration, validateStoreId } from '../workflow/validate.js';
import { withDeps } from './common.js';
import { runMutating } from './run-plan.js';

export function waitProgress(deps: Deps): DisconnectOptions['onWait'] {
  return (state, elapsed, timeout) => {
    if (state === 'DISCONNECTED') {
      deps.progress.status(`store ${state} after ${Math.round(elapsed / 1000)} s`);
      deps.progress.done();
      return;
    }
    deps.progress.status(`waiting for DISCONNECTED: ${state}, ${Math.round(elapsed / 1000)} s of at most ${Math.round(timeout / 1000)} s`);
  };
}

export const disconnectStoreCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('disconnect-store')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('disconnect a custom key store, then wait until it is DISCONNECTED')
      .option('--wait-timeout <duration>', 'how long to wait for DISCONNECTED, e.g. 90s, 30m', '20m')
      .option('--force', 'disconnect even though keys are Enabled (their callers break at once)', false)
      .option('--allow-orphaned-material', 'disconnect a CloudHSM store whose keys wait for deletion (their key material stays in the cluster)', false)
      .addHelpText('after', '\nExamples:\n  kscli disconnect-store cks-1234567890abcdef0 --dry-run\n  kscli disconnect-store cks-1234567890abcdef0 --wait-timeout 30m --yes\n')
      .action((storeIdInput: string, opts: Record<string, any>) => {
        const storeId = validateStoreId(storeIdInput);
        const waitTimeoutMs = parseDuration(opts.waitTimeout, '--wait-timeout');
        return withDeps(app, async (deps) =>
          runMutating(deps, {
            command: 'disconnect-store',
            storeId,
            plan: (ctx, keys) =>
              planDisconnectStore(ctx, keys, {
                force: Boolean(opts.force),
                allowOrphanedMaterial: Boolean(opts.allowOrphanedMaterial),
                waitTimeoutMs,
                onWait: waitProgress(deps),
              }),
          }),
        );
      });
  },
};
