/**
 * The published JSON Schemas, built from the descriptors: the plan, apply and plan-file documents
 * name exactly the commands ./registry.ts registers (a new plan command appears in them with no
 * edit to src/schemas). What `kscli schema`, `npm run schemas` (schemas/<name>.json) and the tests'
 * validation use. TypeBox and the schema modules load only with this module: `kscli --help` and
 * every command that prints no schema never pay for them.
 */
import { FormatRegistry, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SCHEMA_BUILDERS, type CommandLists, type SchemaName } from '../schemas/index.js';
import { commandsPrinting, PLAN_COMMANDS } from './catalog.js';
import { COMMANDS } from './registry.js';

// which schema a command line's document has: with schemaErrors, all the end-to-end suite's check of
// every JSON document needs (test/e2e/helpers/schema-check.ts), from this one library entry of the build
export { schemaFor } from './catalog.js';

/** The command lists of the descriptors, as the schemas name them. */
export function commandLists(): CommandLists {
  return {
    plan: COMMANDS.filter((d) => d.schemas.some((s) => s.schema === 'plan')).map((d) => d.name),
    planUsages: commandsPrinting('plan'),
    saved: PLAN_COMMANDS,
  };
}

const built = new Map<SchemaName, TObject>();

/** The schema of a document, built once per process. */
export function publishedSchema(name: SchemaName): TObject {
  let schema = built.get(name);
  if (!schema) built.set(name, (schema = SCHEMA_BUILDERS[name](commandLists())));
  return schema;
}

/** The schema as plain JSON (TypeBox's symbol keys dropped): what schemas/<name>.json holds. */
export function schemaJson(name: SchemaName): Record<string, unknown> {
  return JSON.parse(JSON.stringify(publishedSchema(name))) as Record<string, unknown>;
}

/** The file text of schemas/<name>.json. */
export function schemaFileText(name: SchemaName): string {
  return `${JSON.stringify(schemaJson(name), null, 2)}\n`;
}

// Date.toISOString() and what AWS returns: 2026-11-30T19:49:58.000Z, offsets allowed
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Each violation of a document against its schema as `path: message`, empty when valid (TypeBox's
 * own validator): used by the unit tests and by the end-to-end suite on every JSON document kscli
 * prints. Not used by kscli at run time.
 */
export function schemaErrors(name: SchemaName, document: unknown): string[] {
  if (!FormatRegistry.Has('date-time'))
    FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
  return [...Value.Errors(publishedSchema(name), document)].map((e) => `${e.path || '/'}: ${e.message}`);
}
