/**
 * Every command of the CLI, in the order `kscli --help` lists them. Each module registers itself;
 * add one line here per command.
 */
import type { CommandModule } from '../cli.js';

export const commandModules: CommandModule[] = [];
