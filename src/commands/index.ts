/**
 * Every command of the CLI, in the order `kscli --help` lists them. Each command is a folder
 * src/commands/<verb>/ whose index.ts registers it (definition and flags only: its run and
 * renderers load when it runs); add one line here per command.
 */
import type { CommandModule } from '../app.js';
import { storesCommand } from './stores/index.js';
import { inventoryCommand } from './inventory/index.js';
import { findKeysCommand } from './find-keys/index.js';
import { usageCommand } from './usage/index.js';
import { alarmCommand } from './alarm/index.js';
import { scheduleDeletionCommand } from './schedule-deletion/index.js';
import { cancelDeletionCommand } from './cancel-deletion/index.js';
import { disconnectStoreCommand } from './disconnect-store/index.js';
import { deleteStoreCommand } from './delete-store/index.js';
import { backupsCommand } from './backups/index.js';
import { orphansCommand } from './orphans/index.js';
import { retireClusterCommand } from './retire-cluster/index.js';
import { sandboxCommand } from './sandbox/index.js';
import { showCommand } from './show/index.js';
import { applyCommand } from './apply/index.js';
import { schemaCommand } from './schema/index.js';
import { completionCommand } from './completion/index.js';

export const commandModules: CommandModule[] = [
  storesCommand,
  inventoryCommand,
  findKeysCommand,
  usageCommand,
  alarmCommand,
  scheduleDeletionCommand,
  cancelDeletionCommand,
  disconnectStoreCommand,
  deleteStoreCommand,
  backupsCommand,
  orphansCommand,
  retireClusterCommand,
  showCommand,
  applyCommand,
  sandboxCommand,
  schemaCommand,
  completionCommand,
];
