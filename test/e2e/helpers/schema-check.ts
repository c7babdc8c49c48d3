/**
 * Every JSON document the end-to-end suite gets from kscli is validated against its published
 * schema (src/schemas, schemas/<name>.json): runKscli calls `schemaViolations` on every result, so
 * a field added to the output without its schema (or a type that drifts) fails the test that saw it.
 * The argv says which schema applies (src/schemas/names.ts schemaFor); stdout that is not JSON
 * (tables, --help, an error before any output) is not a document and is not checked.
 */
import { schemaFor } from '../../../src/commands/catalog.js';
import { schemaErrors } from '../../../src/commands/published-schemas.js';

/** undefined when stdout is not a schema'd JSON document or is valid; else what is wrong. */
export function schemaViolations(args: readonly string[], stdout: string): string | undefined {
  if (args.includes('--help') || args.includes('-h')) return undefined;
  const at = args.indexOf('--output');
  if (at >= 0 && args[at + 1] !== 'json') return undefined;
  const name = schemaFor(args);
  if (!name || stdout.trim() === '') return undefined;
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const errors = schemaErrors(name, document);
  if (errors.length === 0) return undefined;
  return `the JSON of "kscli ${args.join(' ')}" does not match schemas/${name}.json:\n  ${errors.slice(0, 20).join('\n  ')}`;
}
