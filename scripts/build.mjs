/**
 * `npm run build`: transpile src/**\/*.ts to dist/ file by file with esbuild (no bundling: dist/
 * mirrors src/, so `bin/kscli.js` and the lazy `import()`s of each command load exactly what they
 * did under tsc). Types are checked apart, by `npm run typecheck` (tsc --noEmit, in `npm run check`
 * and CI): tsc's emit cost 34 s of CPU on every `npm test` on this 2-core machine, esbuild's a
 * fraction of a second. `isolatedModules` in tsconfig.json makes tsc reject the few constructs a
 * file-by-file transpiler cannot compile (const enums across files, re-exported types without
 * `type`).
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');

/** every .ts file under src/ (no declaration files: there are none) */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const entryPoints = sources(src);
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

/** every file under dist/ */
function outputs(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? outputs(path) : [path];
  });
}

// A file deleted or moved in src/ must not linger in dist/ (tsc never removed them). The stale
// files go AFTER the build, one by one, never the whole dist/: a build while kscli runs from dist/
// (the README test runs `npm run build` while other test files run the binary) must not pull
// the files from under it.
const built = new Set(entryPoints.map((f) => relative(src, f).replace(/\.ts$/, '')));
for (const file of outputs(out)) {
  const stem = relative(out, file).replace(/\.js(\.map)?$/, '');
  if (!built.has(stem)) rmSync(file);
}
if (process.env.KSCLI_BUILD_VERBOSE) console.info(`built ${entryPoints.length} files into ${relative(root, out)}/`);
