/**
 * Validating a document against its schema (TypeBox's own validator): used by the unit tests and
 * by the end-to-end suite on every JSON document kscli prints. Not used by kscli at run time.
 */
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SCHEMAS, type SchemaName } from './index.js';

// Date.toISOString() and what AWS returns: 2026-11-30T19:49:58.000Z, offsets allowed
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time'))
  FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

/** Each violation as `path: message` (empty when the document is valid). */
export function schemaErrors(name: SchemaName, document: unknown): string[] {
  return [...Value.Errors(SCHEMAS[name], document)].map((e) => `${e.path || '/'}: ${e.message}`);
}
