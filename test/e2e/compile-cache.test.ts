/**
 * The V8 code cache of the SDK (src/aws/compile-cache.ts): the first run writes the cache of the
 * SDK files it loaded (dist/aws-sdk/: the package's file and the chunks it shares) under
 * $XDG_CACHE_HOME/kscli, later runs use it as it is, a run that uses a package a file's cache was
 * not written with rewrites that cache to cover both, a cache V8 rejects (corrupt) is rewritten
 * without failing the run, a source file rewritten at the same length never runs from the old
 * file's cache (V8 itself checks only the length), KSCLI_NO_COMPILE_CACHE=1 writes nothing and
 * KSCLI_COMPILE_CACHE_DIR moves it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT } from './helpers/index.js';

assertBuilt();

const dir = mkdtempSync(join(tmpdir(), 'kscli-compile-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SDK_MODULES = pathToFileURL(join(ROOT, 'dist', 'aws', 'sdk-modules.js')).href;
const COMPILE_CACHE = pathToFileURL(join(ROOT, 'dist', 'aws', 'compile-cache.js')).href;

/** loads an SDK client through sdkModule and uses it: prints "function 1" */
const loadClient = (pkg: string, client: string, serviceId: string) => `import { sdkModule } from '${SDK_MODULES}';
const { ${client} } = sdkModule('${pkg}');
const c = new ${client}({ region: 'us-east-1' });
console.log(typeof ${client}, c.config.serviceId === '${serviceId}' ? 1 : 0);`;
const LOAD_SNS = loadClient('@aws-sdk/client-sns', 'SNSClient', 'SNS');
const LOAD_KMS = loadClient('@aws-sdk/client-kms', 'KMSClient', 'KMS');

function runModule(code: string, cacheHome: string, extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: join(dir, 'home'), XDG_CACHE_HOME: cacheHome, ...extra },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

const cacheFiles = (cacheHome: string): string[] => {
  const root = join(cacheHome, 'kscli');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((v) => readdirSync(join(root, v)).map((f) => join(root, v, f)));
};

/** the header line of a cache file: the source's identity and the packages it covers */
const headerOf = (file: string): { source: string; covers: string[] } =>
  JSON.parse(readFileSync(file, 'utf8').split('\n')[1]!) as { source: string; covers: string[] };

describe('the SDK code cache', () => {
  const cache = join(dir, 'cache');

  it('the first run writes a cache per SDK file it loaded, naming the package; the next run keeps them as they are', () => {
    const first = runModule(LOAD_SNS, cache);
    expect(first.stdout.trim(), first.stderr).toBe('function 1');
    const files = cacheFiles(cache);
    // the SNS client's file and the chunks it shares with the other clients: a few, not the
    // hundreds of node_modules files of the SDK's own layout
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThan(100);
    for (const f of files) expect(headerOf(f).covers).toEqual(['@aws-sdk/client-sns']);
    const before = new Map(files.map((f) => [f, readFileSync(f)]));

    const second = runModule(LOAD_SNS, cache);
    expect(second.stdout.trim(), second.stderr).toBe('function 1');
    // accepted by V8 and covering the run: nothing rewritten, nothing added
    expect(cacheFiles(cache)).toEqual(files);
    for (const [f, bytes] of before) expect(readFileSync(f).equals(bytes), f).toBe(true);
  });

  it('a run that uses another package rewrites the caches of the files they share to cover both; a run within them leaves them alone', () => {
    const snsFiles = cacheFiles(cache);
    const kms = runModule(LOAD_KMS, cache);
    expect(kms.stdout.trim(), kms.stderr).toBe('function 1');
    const covers = cacheFiles(cache).map((f) => headerOf(f).covers.join(' '));
    // the chunks both clients load (credentials, signing, the HTTP handler) now cover both
    expect(covers).toContain('@aws-sdk/client-kms @aws-sdk/client-sns');
    // the files of SNS alone still name SNS alone
    expect(snsFiles.some((f) => headerOf(f).covers.join(' ') === '@aws-sdk/client-sns')).toBe(true);
    const grown = new Map(cacheFiles(cache).map((f) => [f, readFileSync(f)]));

    const sns = runModule(LOAD_SNS, cache);
    expect(sns.stdout.trim(), sns.stderr).toBe('function 1');
    for (const [f, bytes] of grown) expect(readFileSync(f).equals(bytes), f).toBe(true);
  });

  it('a cache V8 rejects is compiled around and rewritten; the run does not fail', () => {
    // the files an SNS run loads (the KMS client's own file is not among them)
    const files = cacheFiles(cache).filter((f) => headerOf(f).covers.includes('@aws-sdk/client-sns'));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files)
      writeFileSync(f, `${readFileSync(f, 'utf8').split('\n').slice(0, 2).join('\n')}\nnot V8 code cache`);
    const r = runModule(LOAD_SNS, cache);
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    expect(r.stderr).not.toMatch(/Error|cachedData/);
    for (const f of files) expect(readFileSync(f).includes('not V8 code cache'), f).toBe(false);
  });

  it("a source rewritten at the same length runs as written, not from the old file's cache", () => {
    // V8 accepts cached data for any source of the same length (it hashes only the length): the
    // header's size:inode:ctime is what tells the two files apart
    const lib = join(dir, 'lib', 'aws-sdk');
    mkdirSync(lib, { recursive: true });
    const bundle = join(lib, 'client-x.cjs');
    const load = `import { installSdkCompileCache, noteCacheCoverage } from '${COMPILE_CACHE}';
import { createRequire } from 'node:module';
installSdkCompileCache();
noteCacheCoverage('x');
console.log(createRequire(import.meta.url)(${JSON.stringify(bundle)}));`;
    const own = join(dir, 'own-cache');
    writeFileSync(bundle, "module.exports = 'AAAA';\n");
    expect(runModule(load, own).stdout.trim()).toBe('AAAA');
    expect(cacheFiles(own)).toHaveLength(1);
    const tmp = `${bundle}.tmp`;
    writeFileSync(tmp, "module.exports = 'BBBB';\n");
    rmSync(bundle);
    writeFileSync(bundle, readFileSync(tmp));
    expect(runModule(load, own).stdout.trim()).toBe('BBBB');
    expect(runModule(load, own).stdout.trim()).toBe('BBBB');
  });

  it('KSCLI_NO_COMPILE_CACHE=1 writes no cache', () => {
    const off = join(dir, 'off');
    const r = runModule(LOAD_SNS, off, { KSCLI_NO_COMPILE_CACHE: '1' });
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    expect(existsSync(off)).toBe(false);
  });

  it('KSCLI_COMPILE_CACHE_DIR moves the cache', () => {
    const moved = join(dir, 'moved');
    const r = runModule(LOAD_SNS, join(dir, 'not-here'), { KSCLI_COMPILE_CACHE_DIR: moved });
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    expect(existsSync(join(dir, 'not-here'))).toBe(false);
    expect(readdirSync(moved).length).toBe(1);
    expect(readdirSync(join(moved, readdirSync(moved)[0]!)).length).toBeGreaterThan(1);
  });

  it('kscli itself runs with the cache, cold and warm (stores --sandbox, exit 0, same output)', () => {
    const home = join(dir, 'kscli-home');
    const run = () =>
      spawnSync(process.execPath, [BIN, 'stores', '--sandbox', '--output', 'json'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const cold = run();
    expect(cold.status, cold.stderr).toBe(0);
    const files = cacheFiles(join(home, '.cache'));
    expect(files.length).toBeGreaterThan(1);
    expect(files.some((f) => headerOf(f).covers.includes('@aws-sdk/client-kms'))).toBe(true);
    const warm = run();
    expect(warm.status, warm.stderr).toBe(0);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
  });
});
