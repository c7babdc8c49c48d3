/**
 * The README's "JSON output" section against the schemas: every top-level field of a schema is
 * named in its line, and every quoted name in a line is a field (or a value) of its schemas. So the
 * README, the schemas (and through the e2e suite, the output) cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaJson } from '../../../src/commands/published-schemas.js';
import type { SchemaName } from '../../../src/schemas/names.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
const section = README.slice(
  README.indexOf('## JSON output'),
  README.indexOf('\n## ', README.indexOf('## JSON output') + 5),
);

/** README line label -> the schemas it describes */
const LINES: Array<[string, SchemaName[]]> = [
  ['- `stores`', ['stores']],
  ['- `find-keys`', ['find-keys']],
  ['- `usage`', ['usage']],
  ['- mutating commands', ['plan', 'delete-store']],
  ['- `apply FILE`', ['apply']],
  ['- `show FILE --output json`', ['plan-file']],
  ['- `backups`', ['backups']],
  ['- `orphans`', ['orphans']],
  ['- `inventory`', ['inventory']],
  ['- `sandbox status`', ['sandbox-status', 'sandbox-reset', 'sandbox-advance']],
];

/** Examples of record keys in the README (keyCounts), not field names. */
const EXAMPLE_KEYS = new Set(['Enabled']);

function bullet(label: string): string {
  const start = section.indexOf(label);
  expect(start, `README JSON output has a line for ${label}`).toBeGreaterThanOrEqual(0);
  const next = section.indexOf('\n- ', start + 1);
  return section.slice(start, next < 0 ? undefined : next);
}

/** Every property name and every literal value anywhere in a schema. */
function vocabulary(schema: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => vocabulary(s, names));
  else if (schema && typeof schema === 'object') {
    const o = schema as Record<string, unknown>;
    if (o.properties) Object.keys(o.properties).forEach((k) => names.add(k));
    if (typeof o.const === 'string') names.add(o.const);
    Object.values(o).forEach((v) => vocabulary(v, names));
  }
  return names;
}

describe('README "JSON output" matches the schemas', () => {
  it.each(LINES)('%s', (label, schemas) => {
    const text = bullet(label);
    const quoted = [...text.matchAll(/"([A-Za-z][A-Za-z0-9|-]*)"/g)].flatMap((m) => m[1]!.split('|'));
    const known = new Set<string>();
    for (const name of schemas) {
      const schema = schemaJson(name);
      vocabulary(schema, known);
      for (const field of Object.keys(schema.properties as object))
        expect(quoted, `README names "${field}" of schemas/${name}.json`).toContain(field);
    }
    for (const word of quoted)
      if (!EXAMPLE_KEYS.has(word))
        expect(known, `"${word}" in the README line ${label} is in ${schemas.join(', ')}`).toContain(word);
  });
});
