/**
 * A V8 code cache for the AWS SDK, kept in `~/.cache/kscli/` (or `$XDG_CACHE_HOME/kscli/`).
 *
 * Why: every command that calls AWS loads several SDK clients, and compiling them is much of a
 * run's start-up. Node 22 has a cache built in (`module.enableCompileCache`); Node 20, which kscli
 * supports, does not, so this does what it does for the CommonJS files loaded through `require`
 * (sdk-modules.ts): compile the module wrapper with `vm.Script` and `cachedData`, and write the
 * cache at exit, one cache file per source file: in the build the files of dist/aws-sdk/ (a file
 * per SDK package and chunks of the code they share); run from source, the SDK's own files in
 * node_modules.
 *
 * What a cache file holds: a header line (the source file's identity and the SDK packages the runs
 * that wrote it used), then V8's data. It is rewritten at exit when there was none, when V8
 * rejected it, when the source file changed, or when this run used a package the header does not
 * name (`noteCacheCoverage`): the data V8 writes then holds the functions this run compiled and
 * those it read from the old cache, so the cache of a chunk the packages share grows to cover every
 * command the user runs instead of only the first one's.
 *
 * Safety:
 * - V8 checks its own version and flags against the data, but of the source only its length (a
 *   rebuilt file of the same length would run the old code). The header therefore names the
 *   source file's size, inode and change time: a rebuilt or reinstalled file (written anew, or
 *   renamed into place) never matches the cache of the one it replaced.
 * - The directory is the user's own (created 0700), since code cache is code; files are written
 *   whole (temp file, then rename), so a concurrent run never reads half of one.
 * - Any file-system error leaves the cache out: it only ever saves time.
 *
 * `KSCLI_NO_COMPILE_CACHE=1` turns it off; `KSCLI_COMPILE_CACHE_DIR` puts it elsewhere (the tests
 * share one across their throw-away homes).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Only the SDK: the build's files of it (dist/aws-sdk/), or its packages' files when run from source. kscli's own
 * modules are ES modules and never pass through here.
 */
const CACHED_FILES = /[\\/]node_modules[\\/]@(aws-sdk|smithy|aws-crypto)[\\/]|[\\/]aws-sdk[\\/][^\\/]+\.cjs$/;

/** the first line of every cache file: a file of another format is no cache */
const MAGIC = 'kscli-v8-cache 1';

interface CacheHeader {
  /** the source file's `size:inode:ctimeMs` when the cache was written */
  source: string;
  /** the SDK packages the runs that wrote this cache used */
  covers: string[];
}

let installed = false;
/** the SDK packages this run used (sdk-modules.ts notes each one) */
const coverage = new Set<string>();

/** Records that this run uses an SDK package: a cache written without it is rewritten at exit. */
export function noteCacheCoverage(pkg: string): void {
  coverage.add(pkg);
}

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
  const compiled: Array<{ file: string; script: Script; source: string; header: CacheHeader | undefined }> = [];

  cjs.prototype._compile = function compileWithCache(this: CjsModule, content: string, filename: string) {
    if (!CACHED_FILES.test(filename)) return original.call(this, content, filename);
    return compileCached(this, content, filename);
  };

  const compileCached = (mod: CjsModule, content: string, filename: string): unknown => {
    const file = join(dir, `${createHash('sha1').update(filename).digest('hex')}.bin`);
    const source = sourceIdentity(filename);
    const cached = readCache(file);
    const usable = cached !== undefined && source !== undefined && cached.header.source === source;
    const script = new Script(cjs.wrap(content), {
      filename,
      cachedData: usable ? cached.data : undefined,
      // the SDK's own dynamic import()s resolve as they would in a module Node compiled itself
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (source !== undefined)
      compiled.push({
        file,
        script,
        source,
        header: usable && script.cachedDataRejected !== true ? cached.header : undefined,
      });
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
    for (const { file, script, source, header } of compiled) {
      if (header !== undefined && [...coverage].every((p) => header.covers.includes(p))) continue;
      const covers = [...new Set([...(header?.covers ?? []), ...coverage])].sort();
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        const head = Buffer.from(`${MAGIC}\n${JSON.stringify({ source, covers } satisfies CacheHeader)}\n`);
        writeFileSync(tmp, Buffer.concat([head, script.createCachedData()]), { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        // a full disk or a read-only home: the next run compiles again
      }
    }
  });
}

/** `size:inode:ctimeMs` of a file: changes whenever it is written or replaced; undefined if unreadable */
function sourceIdentity(filename: string): string | undefined {
  try {
    const s = statSync(filename);
    return `${s.size}:${s.ino}:${s.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/** a cache file's header and V8 data; undefined when missing or not in this format */
function readCache(file: string): { header: CacheHeader; data: Buffer } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const magicEnd = bytes.indexOf(10);
  const headerEnd = magicEnd < 0 ? -1 : bytes.indexOf(10, magicEnd + 1);
  if (headerEnd < 0 || bytes.toString('utf8', 0, magicEnd) !== MAGIC) return undefined;
  try {
    const header = JSON.parse(bytes.toString('utf8', magicEnd + 1, headerEnd)) as CacheHeader;
    if (typeof header.source !== 'string' || !Array.isArray(header.covers)) return undefined;
    return { header, data: bytes.subarray(headerEnd + 1) };
  } catch {
    return undefined;
  }
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
