/**
 * `npm run build`: bundle src/ into dist/ with esbuild, split at every dynamic `import()`.
 *
 * Why a bundle: a kscli process spent most of its start-up CPU in Node's ES module loader, not in
 * kscli. `kscli stores` loaded 914 modules (183 of kscli's own files and 200 of TypeBox's, each
 * resolved, read, compiled and linked on its own); `--help` cost 470 ms of CPU and `stores
 * --sandbox` 1,030 ms on our 2-core machine (median of 7, under load), against 220 ms and 550 ms
 * bundled. The end-to-end tests start the binary about two thousand times, so this is most of what
 * `npm test` spends outside the in-process tests.
 *
 * Why split: `--version`, `--help` and flag errors must load no workflow module and no AWS SDK
 * (test/e2e/lazy-sdk.test.ts). With `splitting`, every `import()` of src/ becomes its own chunk and
 * a chunk holds only modules reached from the same entries, so a run loads what it loaded before,
 * in fewer files. `dist/meta.json` (esbuild's metafile, trimmed to the source files of each output)
 * lets the lazy-loading test name the source modules a run loaded.
 *
 * What stays outside: the AWS SDK and @smithy packages. kscli loads them with `require` by package
 * name (src/aws/sdk-modules.ts), from node_modules, through the V8 code cache of
 * src/aws/compile-cache.ts; every static import of them in src/ is `import type`.
 *
 * Library entries: the tests, benches and scripts that import one module of the build (the state
 * file under four processes, the SDK loader, the quotas, the evidence gatherers, the schema names)
 * get it at its source path (dist/aws/quotas.js); their code is shared with the binary's chunks,
 * one copy of each module.
 *
 * Types are checked apart, by `npm run typecheck` (tsc --noEmit, in `npm run check` and CI);
 * `isolatedModules` in tsconfig.json rejects what a transpiler cannot compile file by file.
 *
 * Writing: only files whose bytes changed, each through a temporary file and a rename, and stale
 * files removed one by one afterwards, never the whole dist/: a kscli running from dist/ during a
 * build never reads half a file.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');

/** the binary's entry, then the modules that tests, benches and scripts import from dist/ */
const ENTRIES = [
  'main',
  'aws/index',
  'aws/quotas',
  'aws/sdk-modules',
  'commands/published-schemas',
  'sandbox/server/state-file',
  'schemas/names',
  'workflow/evidence/gather',
  'workflow/evidence/dependents/gather',
];

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const result = await build({
  entryPoints: ENTRIES.map((e) => ({ in: join(src, `${e}.ts`), out: e })),
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@aws-sdk/*', '@smithy/*'],
  // the CommonJS packages bundled in (commander, cli-table3, cli-progress ...) `require` Node's
  // built-ins; an ES module has no `require` of its own
  banner: {
    js: "import { createRequire as __kscliRequire } from 'node:module'; const require = __kscliRequire(import.meta.url);",
  },
  // src/version.ts: the chunks are not where package.json is relative to src/
  define: { KSCLI_BUILD_VERSION: JSON.stringify(version) },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  write: false,
  logLevel: 'warning',
});

/** output path (relative to dist/) → the source files bundled into it (relative to the root) */
const meta = {};
for (const [file, o] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) meta[relative(out, join(root, file))] = Object.keys(o.inputs).sort();
}
const files = [
  ...result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents })),
  { path: join(out, 'meta.json'), bytes: Buffer.from(`${JSON.stringify(meta, null, 1)}\n`) },
];

for (const { path, bytes } of files) {
  // meta.json is written every time: its mtime is the build's (test/e2e/helpers/build.ts)
  if (!path.endsWith('meta.json') && existsSync(path) && readFileSync(path).equals(bytes)) continue;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** every file under dir */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? listFiles(path) : [path];
  });
}

const written = new Set(files.map((f) => f.path));
for (const file of listFiles(out)) if (!written.has(file)) rmSync(file);
/** removes the directories under dir that hold no file (the file-by-file layout's, for one) */
function pruneEmpty(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) pruneEmpty(join(dir, e.name));
  if (dir !== out && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}
pruneEmpty(out);
if (process.env.KSCLI_BUILD_VERBOSE)
  console.info(
    `bundled ${Object.keys(result.metafile.inputs).length} modules into ${Object.keys(meta).length} files in dist/`,
  );
