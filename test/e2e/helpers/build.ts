/**
 * Where the built binary is, and a check that it exists and is not older than the sources.
 *
 * End-to-end tests run `node bin/kscli.js`, which imports dist/. `npm test` (and `npm run
 * test:e2e`) build first; running one e2e file directly with `npx vitest run test/e2e/x.test.ts`
 * does not, so a missing build fails loudly here and a stale one is reported (not failed: other
 * people may be editing src/ while a suite runs on a shared machine).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../../..');
/** The executable users run: `node bin/kscli.js`. */
export const BIN = join(ROOT, 'bin', 'kscli.js');
const DIST_ENTRY = join(ROOT, 'dist', 'main.js');
/** rewritten by every build (scripts/build.mjs writes only the other files that changed) */
const BUILD_STAMP = join(ROOT, 'dist', 'meta.json');

function newestSource(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts') || entry.name.endsWith('.json')
        ? { file: path, mtimeMs: statSync(path).mtimeMs }
        : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

let checked = false;

/**
 * Throws when dist/ has not been built; warns once when a source file is newer than the build.
 * Call it in every e2e file's beforeAll (the harness's `startE2E` does).
 */
export function assertBuilt(): void {
  if (checked) return;
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(
      `${DIST_ENTRY} is missing: run "npm run build" first (npm test and npm run test:e2e build before testing)`,
    );
  }
  const built = statSync(existsSync(BUILD_STAMP) ? BUILD_STAMP : DIST_ENTRY).mtimeMs;
  const src = newestSource(join(ROOT, 'src'));
  if (src.mtimeMs > built + 1000) {
    console.warn(
      `e2e: ${src.file} is newer than dist/: the tests run the last build; run "npm run build" to test your change`,
    );
  }
  checked = true;
}
