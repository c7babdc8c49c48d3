/**
 * Every command of the CLI, in the order `kscli --help` lists them. Each module registers itself;
 * add one line here per command.
 */
import type { CommandModule } from '../cli.js';
import { storesCommand } from './stores.js';
import { findKeysCommand } from './find-keys.js';
import { usageCommand } from './usage.js';
import { alarmCommand } from './alarm.js';
import { scheduleDeletionCommand } from './schedule-deletion.js';
import { cancelDeletionCommand } from './cancel-deletion.js';
import { disconnectStoreCommand } from './disconnect-store.js';
import { deleteStoreCommand } from './delete-store.js';
import { backupsCommand } from './backups.js';
import { orphansCommand } from './orphans.js';
import { sandboxCommand } from './sandbox.js';
import { showCommand } from './show.js';

export const commandModules: CommandModule[] = [
  storesCommand,
  findKeysCommand,
  usageCommand,
  alarmCommand,
  scheduleDeletionCommand,
  cancelDeletionCommand,
  disconnectStoreCommand,
  deleteStoreCommand,
  backupsCommand,
  orphansCommand,
  showCommand,
  sandboxCommand,
];
