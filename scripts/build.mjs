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
 * The AWS SDK is built apart: dist/aws-sdk/, one CommonJS file per package of
 * src/aws/sdk-packages.ts holding only the names kscli uses, and chunks of the code they share
 * (`buildSdk` below; src/aws/sdk-modules.ts says why). It is CommonJS because Node 20 has a code
 * cache only for what `require` compiles (src/aws/compile-cache.ts). Every static import of the
 * SDK in src/ is `import type`.
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
  // the program without the process around it (src/main.ts): the e2e harness runs it in the test
  // process (test/e2e/helpers/run-in-process.ts); main.js imports it from here too
  'cli',
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

/** what kscli uses of the SDK: src/aws/sdk-packages.ts imports nothing, so it runs as it is */
const { SDK_EXPORTS, sdkBundleFile } = await import(
  `data:text/javascript,${encodeURIComponent(
    (await transform(readFileSync(join(src, 'aws', 'sdk-packages.ts'), 'utf8'), { loader: 'ts' })).code,
  )}`
);
/** where sdk-modules.ts finds the SDK: relative to its own output, one directory below dist/ */
const SDK_DIR = 'aws-sdk';
const SDK_DIR_FROM_CHUNK = `../${SDK_DIR}/`;

/**
 * The SDK, in two steps. First an ES module build with one entry per package, each exporting only
 * the names kscli uses (a virtual module `export { ... } from '<package>'`), split so the code the
 * packages share (@smithy/core, credentials, signing) is in chunks of its own: ES modules are what
 * esbuild can shake unused code out of, so EC2 brings its 4 commands, not its 700. `mainFields`
 * picks each package's ES build (dist-es) over its CommonJS one. Then each output is turned into
 * CommonJS on its own (no bundling), so Node loads it with `require` through the code cache.
 */
async function buildSdk() {
  const sdk = await build({
    entryPoints: Object.keys(SDK_EXPORTS).map((p) => ({ in: `sdk:${p}`, out: sdkBundleFile(p).replace(/\.cjs$/, '') })),
    outdir: join(out, SDK_DIR),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    chunkNames: 'chunk-[hash]',
    // fewer bytes to read; names kept, since the SDK and kscli's error handling read `name` and
    // constructor names
    minify: process.env.KSCLI_BUILD_READABLE_SDK !== '1',
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [
      {
        // The clients' schema modules name each trait by a constant: `{ [_xN]: _ip }`, with
        // `const _xN = "xmlName"` above. esbuild takes a computed key for a possible side effect
        // (converting it to a string could run code), so it kept every schema of a client, used or
        // not: EC2's 2,975 schemas and 7,747 name constants for its 4 commands (686 KB minified).
        // With the constant's own string as the key, the literal has no side effect and the
        // schemas no command reaches are shaken out like any other unused code.
        name: 'sdk-schema-keys',
        setup(b) {
          b.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, (a) => {
            const text = readFileSync(a.path, 'utf8');
            const strings = new Map();
            for (const m of text.matchAll(/^const (\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
            const contents = text.replace(/\[(\w+)\]:/g, (whole, name) =>
              strings.has(name) ? `${strings.get(name)}:` : whole,
            );
            return { contents, loader: 'js' };
          });
        },
      },
      {
        name: 'sdk-exports',
        setup(b) {
          b.onResolve({ filter: /^sdk:/ }, (a) => ({ path: a.path.slice(4), namespace: 'sdk-exports' }));
          b.onLoad({ filter: /.*/, namespace: 'sdk-exports' }, (a) => ({
            contents: `export { ${SDK_EXPORTS[a.path].join(', ')} } from ${JSON.stringify(a.path)};\n`,
            resolveDir: root,
            loader: 'js',
          }));
        },
      },
    ],
  });
  const toCjs = (path) => path.replace(/\.js$/, '.cjs');
  const outputs = await Promise.all(
    sdk.outputFiles.map(async (f) => {
      const esm = f.text.replace(/"\.\/(chunk-[A-Z0-9]+)\.js"/g, '"./$1.cjs"');
      // `import()` of a chunk becomes `require` too: loaded through the code cache, in the same
      // CommonJS cache, and never through the ES loader (which warns about the cache's vm option)
      const { code } = await transform(esm, {
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        supported: { 'dynamic-import': false },
        logLevel: 'warning',
      });
      return { path: toCjs(f.path), bytes: Buffer.from(code) };
    }),
  );
  const meta = Object.entries(sdk.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, o]) => [toCjs(file), Object.keys(o.inputs).filter((i) => !i.startsWith('sdk-exports:'))]);
  return { outputs, meta };
}
const sdkBuild = buildSdk();

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
  define: { KSCLI_BUILD_VERSION: JSON.stringify(version), KSCLI_SDK_BUNDLE: JSON.stringify(SDK_DIR_FROM_CHUNK) },
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
for (const [file, o] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) meta[relative(out, join(root, file))] = Object.keys(o.inputs).sort();
}
for (const [file, inputs] of sdk.meta) meta[relative(out, join(root, file))] = inputs.sort();
// KSCLI_SDK_BUNDLE is relative to the output holding sdk-modules.ts: it must sit one level below dist/
for (const [file, inputs] of Object.entries(meta)) {
  if (inputs.includes('src/aws/sdk-modules.ts') && file.split('/').length !== 2)
    throw new Error(
      `src/aws/sdk-modules.ts was bundled into dist/${file}, where ${SDK_DIR_FROM_CHUNK} is not the SDK's directory`,
    );
}
const files = [
  ...result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents })),
  ...sdk.outputs,
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
