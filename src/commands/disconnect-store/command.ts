/**
 * kscli disconnect-store <storeId> [--wait-timeout 20m] [--force] [--allow-orphaned-material]
 * Disconnects, then waits (progress shown) until DISCONNECTED. Preconditions:
 * src/workflow/disconnect-store.ts. Exit 0 done or already DISCONNECTED; 3 blocked; 8 when still
 * DISCONNECTING after --wait-timeout (run again to keep waiting).
 *
 * JSON (--output json): the mutating-command document (src/ui/render/plan-outcome.ts) with
 * "command": "disconnect-store" and one plan line, action "DisconnectCustomKeyStore" or "WaitForDisconnected".
 */
import { validateStoreId } from '../../input/validate.js';
import { definePlanCommand } from '../descriptor.js';
import { forceOption, parseWaitTimeoutFlag, storeIdArgument, waitTimeoutOption } from '../shared-flags.js';
import type { DisconnectStoreOptions } from './run.js';

export interface DisconnectStoreFlags {
  waitTimeout: string;
  force: boolean;
  allowOrphanedMaterial: boolean;
}

export const parseDisconnectStore = (args: string[], flags: DisconnectStoreFlags): DisconnectStoreOptions => ({
  storeId: validateStoreId(args[0] ?? ''),
  waitTimeoutMs: parseWaitTimeoutFlag(flags.waitTimeout),
  force: Boolean(flags.force),
  allowOrphanedMaterial: Boolean(flags.allowOrphanedMaterial),
});

export default definePlanCommand({
  name: 'disconnect-store',
  summary: 'disconnect a custom key store, then wait until it is DISCONNECTED',
  mutates: true,
  subject: 'store',
  schemas: [{ schema: 'plan', usage: 'disconnect-store' }],
  define(cmd) {
    cmd
      .addArgument(storeIdArgument())
      .addOption(waitTimeoutOption())
      .addOption(forceOption('disconnect even though keys are Enabled (their callers break at once)'))
      .option(
        '--allow-orphaned-material',
        'disconnect a CloudHSM store whose keys wait for deletion (their key material stays in the cluster)',
        false,
      )
      .addHelpText(
        'after',
        '\nExamples:\n  kscli disconnect-store cks-1234567890abcdef0 --dry-run   # exit 3 while keys wait for deletion or are Enabled\n  kscli disconnect-store cks-0987654321fedcba0 --wait-timeout 30m --yes\n',
      );
  },
  parse: parseDisconnectStore,
  options: (_deps, input) => input,
  load: () => import('./run.js').then((m) => m.planModule),
});
