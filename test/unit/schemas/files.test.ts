/**
 * schemas/<name>.json (shipped in the package) are generated from src/schemas by `npm run schemas`:
 * this fails when they differ, so the published files, the types and the output cannot drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaJson } from '../../../src/commands/published-schemas.js';
import { SCHEMA_NAMES } from '../../../src/schemas/names.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DIR = join(ROOT, 'schemas');

describe('the published schemas', () => {
  it('schemas/ holds exactly one file per schema', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(SCHEMA_NAMES.map((n) => `${n}.json`).sort());
  });

  it.each(SCHEMA_NAMES)(
    'schemas/%s.json is what src/schemas generates (run "npm run schemas" after changing a schema)',
    (name) => {
      // compared as data: formatting the files (Prettier) is harmless
      expect(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'))).toEqual(schemaJson(name));
    },
  );

  it('ships in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.files).toContain('schemas');
    expect(pkg.scripts.schemas).toContain('write-schemas');
  });

  it.each(SCHEMA_NAMES)('%s is a closed object with schemaVersion 1, a title and an $id', (name) => {
    const s = schemaJson(name);
    expect(s).toMatchObject({ type: 'object', additionalProperties: false, title: expect.stringContaining(name) });
    expect(s.$id).toMatch(new RegExp(`/schemas/${name}\\.json$`));
    expect((s.properties as Record<string, unknown>).schemaVersion).toEqual({ const: 1, type: 'number' });
  });
});
