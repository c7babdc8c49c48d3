/**
 * Every JSON document the end-to-end suite gets from kscli is validated against its published
 * schema (src/schemas, schemas/<name>.json): runKscli calls `schemaViolations` on every result, so
 * a field added to the output without its schema (or a type that drifts) fails the test that saw it.
 * The argv says which schema applies (src/schemas/names.ts schemaFor); stdout that is not JSON
 * (tables, --help, an error before any output) is not a document and is not checked.
 *
 * The schemas and `schemaFor` come from the build (dist/commands/published-schemas.js, the module
 * `kscli schema` and `npm run schemas` print from), imported by Node itself: the same code as
 * src/commands/published-schemas.ts, which reaches every command's descriptor and so 358 source
 * files; run through vitest's transform in every test file's process, that import cost about 1 s
 * of CPU per file on its own, 0.3 s in a whole run, against 0.04 s for the bundle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './build.js';

type Published = typeof import('../../../src/commands/published-schemas.js');

const MODULE = join(ROOT, 'dist', 'commands', 'published-schemas.js');
// a missing build fails at the first document checked (and in assertBuilt), not at import
const published: Published | undefined = existsSync(MODULE)
  ? ((await import(/* @vite-ignore */ pathToFileURL(MODULE).href)) as Published)
  : undefined;

/** undefined when stdout is not a schema'd JSON document or is valid; else what is wrong. */
export function schemaViolations(args: readonly string[], stdout: string): string | undefined {
  if (args.includes('--help') || args.includes('-h')) return undefined;
  const at = args.indexOf('--output');
  if (at >= 0 && args[at + 1] !== 'json') return undefined;
  if (!published) throw new Error(`${MODULE} is missing: run "npm run build" first`);
  const name = published.schemaFor(args);
  if (!name || stdout.trim() === '') return undefined;
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  const errors = published.schemaErrors(name, document);
  if (errors.length === 0) return undefined;
  return `the JSON of "kscli ${args.join(' ')}" does not match schemas/${name}.json:\n  ${errors.slice(0, 20).join('\n  ')}`;
}
