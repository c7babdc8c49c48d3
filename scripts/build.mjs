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
 * The AWS SDK is a bundle of its own: dist/aws-sdk.cjs, CommonJS, holding the packages of
 * src/aws/sdk-packages.ts (an object with a getter per package, so each package's modules are
 * evaluated only when `sdkModule` first asks for it; src/aws/sdk-modules.ts says why). It is not
 * split into the ES chunks because Node 20 has a code cache only for what `require` compiles
 * (src/aws/compile-cache.ts). Every static import of the SDK in src/ is `import type`.
 * `KSCLI_BUILD_READABLE_SDK=1 npm run build` leaves it unminified, for reading CPU profiles.
 *
 * Library entries: the tests, benches and scripts that import one module of the build (the state
 * file under four processes, the SDK loader and its code cache, the quotas, the evidence gatherers, the schema names)
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
import { build, transform } from 'esbuild';
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
  'aws/compile-cache',
  'aws/sdk-modules',
  'commands/published-schemas',
  'sandbox/server/state-file',
  'schemas/names',
  'workflow/evidence/gather',
  'workflow/evidence/dependents/gather',
];

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** the SDK packages to bundle: src/aws/sdk-packages.ts imports nothing, so it runs as it is */
const { SDK_PACKAGES } = await import(
  `data:text/javascript,${encodeURIComponent(
    (await transform(readFileSync(join(src, 'aws', 'sdk-packages.ts'), 'utf8'), { loader: 'ts' })).code,
  )}`
);
/** where sdk-modules.ts finds the bundle: relative to its own output, one directory below dist/ */
const SDK_BUNDLE = 'aws-sdk.cjs';
const SDK_BUNDLE_FROM_CHUNK = `../${SDK_BUNDLE}`;

const sdkBuild = build({
  stdin: {
    contents: `module.exports = {\n${SDK_PACKAGES.map((p) => `  get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); },`).join('\n')}\n};\n`,
    resolveDir: root,
    sourcefile: 'aws-sdk-packages.cjs',
    loader: 'js',
  },
  outfile: join(out, SDK_BUNDLE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // a third of the bytes to read and to hash against the code cache; names kept, since the SDK and
  // kscli's error handling read `name` and constructor names
  minify: process.env.KSCLI_BUILD_READABLE_SDK !== '1',
  keepNames: true,
  metafile: true,
  write: false,
  logLevel: 'warning',
});

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
  define: { KSCLI_BUILD_VERSION: JSON.stringify(version), KSCLI_SDK_BUNDLE: JSON.stringify(SDK_BUNDLE_FROM_CHUNK) },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  write: false,
  logLevel: 'warning',
});

const sdk = await sdkBuild;

/** output path (relative to dist/) → the source files bundled into it (relative to the root) */
const meta = {};
for (const [file, o] of [...Object.entries(result.metafile.outputs), ...Object.entries(sdk.metafile.outputs)]) {
  if (/\.c?js$/.test(file))
    meta[relative(out, join(root, file))] = Object.keys(o.inputs)
      .filter((i) => i !== '<stdin>')
      .sort();
}
// KSCLI_SDK_BUNDLE is relative to the output holding sdk-modules.ts: it must sit one level below dist/
for (const [file, inputs] of Object.entries(meta)) {
  if (inputs.includes('src/aws/sdk-modules.ts') && file.split('/').length !== 2)
    throw new Error(
      `src/aws/sdk-modules.ts was bundled into dist/${file}, where ${SDK_BUNDLE_FROM_CHUNK} is not the SDK bundle`,
    );
}
const files = [
  ...result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents })),
  ...sdk.outputFiles.map((f) => ({ path: f.path, bytes: f.contents })),
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
