/**
 * Every command of the CLI, in the order `kscli --help` lists them: the one list. Each command is a
 * folder src/commands/<verb>/ whose command.ts exports its descriptor (./descriptor.ts); add one
 * line here per command. Everything else that names commands derives from this list
 * (./catalog.ts: plan commands, mutating commands, schema names; cli.ts: registration; completion).
 */
import type { CommandDescriptor } from './descriptor.js';
import stores from './stores/command.js';
import inventory from './inventory/command.js';
import findKeys from './find-keys/command.js';
import usage from './usage/command.js';
import alarm from './alarm/command.js';
import scheduleDeletion from './schedule-deletion/command.js';
import cancelDeletion from './cancel-deletion/command.js';
import disableKeys from './disable-keys/command.js';
import enableKeys from './enable-keys/command.js';
import disconnectStore from './disconnect-store/command.js';
import deleteStore from './delete-store/command.js';
import backups from './backups/command.js';
import orphans from './orphans/command.js';
import retireCluster from './retire-cluster/command.js';
import show from './show/command.js';
import apply from './apply/command.js';
import sandbox from './sandbox/command.js';
import schema from './schema/command.js';
import completion, { completeStoresCommand } from './completion/command.js';

export const COMMANDS: readonly CommandDescriptor[] = [
  stores,
  inventory,
  findKeys,
  usage,
  alarm,
  scheduleDeletion,
  cancelDeletion,
  disableKeys,
  enableKeys,
  disconnectStore,
  deleteStore,
  backups,
  orphans,
  retireCluster,
  show,
  apply,
  sandbox,
  schema,
  completion,
  completeStoresCommand,
];
