/**
 * The published schemas of every `--output json` document: one entry per schema, each with the
 * commands that print it. `npm run schemas` writes schemas/<name>.json from this table, a unit test
 * fails when the committed files differ, `kscli schema <name|command>` prints one, and the
 * end-to-end suite validates every JSON document kscli prints against the schema `schemaFor` (src/commands/catalog.ts) names.
 *
 * To add a schema: write src/schemas/<name>.ts (a documentSchema, and its Static type that the
 * command's renderer returns from `json`, src/ui/render/<verb>.ts), add it below with the commands printing it, run
 * `npm run schemas`, and describe it in the README's "JSON output" section (a test checks both).
 */
import type { TObject } from '@sinclair/typebox';
import { StoresDocument } from './stores.js';
import { FindKeysDocument } from './find-keys.js';
import { UsageDocument } from './usage.js';
import { ApplyDocument, DeleteStoreDocument, PlanDocument } from './plan.js';
import { PlanFileDocument } from './plan-file.js';
import { BackupsDocument, OrphansDocument } from './reports.js';
import { SandboxAdvanceDocument, SandboxResetDocument, SandboxStatusDocument } from './sandbox.js';
import { InventoryDocument } from './inventory.js';
import type { SchemaName } from './names.js';

export { SCHEMA_NAMES, type SchemaName } from './names.js';

export const SCHEMAS: Readonly<Record<SchemaName, TObject>> = {
  stores: StoresDocument,
  'find-keys': FindKeysDocument,
  usage: UsageDocument,
  plan: PlanDocument,
  'delete-store': DeleteStoreDocument,
  apply: ApplyDocument,
  'plan-file': PlanFileDocument,
  backups: BackupsDocument,
  orphans: OrphansDocument,
  'sandbox-status': SandboxStatusDocument,
  'sandbox-reset': SandboxResetDocument,
  'sandbox-advance': SandboxAdvanceDocument,
  inventory: InventoryDocument,
};

/** The schema as plain JSON (TypeBox's symbol keys dropped): what schemas/<name>.json holds. */
export function schemaJson(name: SchemaName): Record<string, unknown> {
  return JSON.parse(JSON.stringify(SCHEMAS[name])) as Record<string, unknown>;
}

/** The file text of schemas/<name>.json. */
export function schemaFileText(name: SchemaName): string {
  return `${JSON.stringify(schemaJson(name), null, 2)}\n`;
}
