/**
 * The published schemas of every `--output json` document: one entry per schema, built from the
 * command lists the descriptors give (src/commands/published-schemas.ts builds them: the plan, apply
 * and plan-file documents name their commands, and no schema keeps that list by hand). `npm run
 * schemas` writes schemas/<name>.json, a unit test fails when the committed files differ, `kscli
 * schema <name|command>` prints one, and the end-to-end suite validates every JSON document kscli
 * prints against the schema `schemaFor` (src/commands/catalog.ts) names.
 *
 * To add a schema: write src/schemas/<name>.ts (a documentSchema, and its Static type that the
 * command's renderer returns from `json`, src/ui/render/<verb>.ts), add it below, name it in the
 * descriptors of the commands printing it, run
 * `npm run schemas`, and describe it in the README's "JSON output" section (a test checks both).
 */
import type { TObject } from '@sinclair/typebox';
import { StoresDocument } from './stores.js';
import { FindKeysDocument } from './find-keys.js';
import { UsageDocument } from './usage.js';
import { applyDocument, DeleteStoreDocument, planDocument } from './plan.js';
import { planFileDocument } from './plan-file.js';
import type { CommandLists } from './command-lists.js';
import { BackupsDocument, OrphansDocument } from './reports.js';
import { SandboxAdvanceDocument, SandboxResetDocument, SandboxStatusDocument } from './sandbox.js';
import { InventoryDocument } from './inventory.js';
import type { SchemaName } from './names.js';

export { SCHEMA_NAMES, type SchemaName } from './names.js';

export { type CommandLists } from './command-lists.js';

/** Each schema, from the command lists (only the plan, apply and plan-file documents use them). */
export const SCHEMA_BUILDERS: Readonly<Record<SchemaName, (commands: CommandLists) => TObject>> = {
  stores: () => StoresDocument,
  'find-keys': () => FindKeysDocument,
  usage: () => UsageDocument,
  plan: planDocument,
  'delete-store': () => DeleteStoreDocument,
  apply: applyDocument,
  'plan-file': planFileDocument,
  backups: () => BackupsDocument,
  orphans: () => OrphansDocument,
  'sandbox-status': () => SandboxStatusDocument,
  'sandbox-reset': () => SandboxResetDocument,
  'sandbox-advance': () => SandboxAdvanceDocument,
  inventory: () => InventoryDocument,
};
