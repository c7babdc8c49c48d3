/**
 * A V8 code cache for the AWS SDK's CommonJS files, kept in `~/.cache/kscli/` (or
 * `$XDG_CACHE_HOME/kscli/`).
 *
 * Why: every command that calls AWS loads several SDK clients, and parsing and compiling their
 * large entry files is most of a run's start-up (a `schedule-deletion --plan-out` loads eight:
 * about 1 s of its 2 s of CPU). With the code V8 produced on an earlier run, loading the eight
 * clients took 0.37 s of CPU instead of 0.65 s on our 2-core machines. Node 22 has this built in
 * (`module.enableCompileCache`); Node 20, which kscli supports, does not, so this does what it
 * does for the files loaded through `require` (sdk-modules.ts): compile the module wrapper with
 * `vm.Script` and `cachedData`, and write the cache of files that had none (or a rejected one) when
 * the process exits.
 *
 * Safety: V8 checks the source (length and hash) and its own version and flags against the cached
 * data and rejects a mismatch (`cachedDataRejected`): then the file compiles as usual and its cache
 * is rewritten. The directory is the user's own (created 0700), since code cache is code; the
 * files are written whole (temp file, then rename), so a concurrent run never reads half of one.
 * Any file-system error leaves the cache out: it only ever saves time. `KSCLI_NO_COMPILE_CACHE=1`
 * turns it off; `KSCLI_COMPILE_CACHE_DIR` puts it elsewhere (the tests share one across their
 * throw-away homes).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** Node's own CommonJS internals that the wrapper needs (present since Node 0.x, untyped). */
interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
interface CjsStatics {
  wrap(source: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
  prototype: { _compile(this: CjsModule, content: string, filename: string): unknown };
}

/** Only the SDK's files: kscli's own modules are ES modules and never pass through here. */
const CACHED_FILES = /[\\/]node_modules[\\/]@(aws-sdk|smithy|aws-crypto)[\\/]/;

let installed = false;

/** Installs the cache for the rest of the process (idempotent; a no-op when turned off or unusable). */
export function installSdkCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (installed || env.KSCLI_NO_COMPILE_CACHE === '1') return;
  installed = true;
  const dir = cacheDir(env);
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  const cjs = Module as unknown as CjsStatics;
  const original = cjs.prototype._compile;
  const toWrite: Array<{ file: string; script: Script }> = [];

  cjs.prototype._compile = function compileWithCache(this: CjsModule, content: string, filename: string) {
    if (!CACHED_FILES.test(filename)) return original.call(this, content, filename);
    return compileCached(this, content, filename);
  };

  const compileCached = (mod: CjsModule, content: string, filename: string): unknown => {
    const file = join(dir, `${createHash('sha1').update(filename).digest('hex')}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new Script(cjs.wrap(content), {
      filename,
      cachedData,
      // the SDK's own dynamic import()s resolve as they would in a module Node compiled itself
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected === true) toWrite.push({ file, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    // the `require` Node gives a module: resolve, cache, main and extensions included
    const requireFn = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => cjs._resolveFilename(request, mod, false, options),
      main: process.mainModule,
      extensions: cjs._extensions,
      cache: cjs._cache,
    });
    return wrapper.call(mod.exports, mod.exports, requireFn, mod, filename, dirname(filename));
  };

  // written at exit, so the cache holds the functions the run compiled lazily as well
  process.once('exit', () => {
    for (const { file, script } of toWrite) {
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // a full disk or a read-only home: the next run compiles again
      }
    }
  });
}

/**
 * `$KSCLI_COMPILE_CACHE_DIR/v8-<node>-<arch>`, else `$XDG_CACHE_HOME/kscli/v8-...`, else
 * `~/.cache/kscli/v8-...`; undefined without a home.
 */
function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KSCLI_COMPILE_CACHE_DIR) return join(env.KSCLI_COMPILE_CACHE_DIR, `v8-${process.version}-${process.arch}`);
  let base = env.XDG_CACHE_HOME;
  if (!base) {
    let home: string;
    try {
      home = env.HOME || homedir();
    } catch {
      return undefined;
    }
    if (!home) return undefined;
    base = join(home, '.cache');
  }
  return join(base, 'kscli', `v8-${process.version}-${process.arch}`);
}
