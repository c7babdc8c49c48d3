/**
 * The names of the JSON Schemas of the `--output json` documents (src/schemas/index.ts maps each to
 * its schema). Which command prints which is said by each command's descriptor (its `schemas`),
 * and derived in src/commands/catalog.ts (commandsPrinting, schemaFor). Kept apart from the schemas
 * themselves (and from TypeBox) so that descriptors name them without loading any schema.
 */
export const SCHEMA_NAMES = [
  'stores',
  'find-keys',
  'usage',
  'plan',
  'delete-store',
  'apply',
  'plan-file',
  'backups',
  'orphans',
  'sandbox-status',
  'sandbox-reset',
  'sandbox-advance',
  'inventory',
] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];
