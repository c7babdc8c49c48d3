// npm run schemas: writes schemas/<name>.json from src/schemas (built into dist first), formatted
// by Prettier like the rest of the tree. test/unit/schemas/files.test.ts fails when the committed
// files differ from these.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { SCHEMA_NAMES } from '../dist/schemas/names.js';
import { schemaFileText } from '../dist/commands/published-schemas.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(join(dir, file));
for (const name of SCHEMA_NAMES) {
  const file = join(dir, `${name}.json`);
  const options = { ...(await prettier.resolveConfig(file)), filepath: file };
  writeFileSync(file, await prettier.format(schemaFileText(name), options));
}
console.log(`wrote ${SCHEMA_NAMES.length} schemas to ${dir}`);
