/**
 * The V8 code cache of the SDK's files (src/aws/compile-cache.ts): the first run writes it under
 * $XDG_CACHE_HOME/kscli, later runs use it as it is, a cache V8 rejects (corrupt, another source)
 * is rewritten without failing the run, KSCLI_NO_COMPILE_CACHE=1 writes nothing and
 * KSCLI_COMPILE_CACHE_DIR moves it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT } from './helpers/index.js';

assertBuilt();

const dir = mkdtempSync(join(tmpdir(), 'kscli-compile-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SDK_MODULES = pathToFileURL(join(ROOT, 'dist', 'aws', 'sdk-modules.js')).href;
/** loads the SNS client through sdkModule and uses it: prints "function 1" */
const LOAD_SNS = `import { sdkModule } from '${SDK_MODULES}';
const { SNSClient } = sdkModule('@aws-sdk/client-sns');
const c = new SNSClient({ region: 'us-east-1' });
console.log(typeof SNSClient, c.config.serviceId === 'SNS' ? 1 : 0);`;

function loadSns(cacheHome: string, extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', LOAD_SNS], {
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

describe('the SDK code cache', () => {
  const cache = join(dir, 'cache');

  it('the first run writes one cache file per SDK file it compiled; the next run keeps them as they are', () => {
    const first = loadSns(cache);
    expect(first.stdout.trim(), first.stderr).toBe('function 1');
    const files = cacheFiles(cache);
    expect(files.length).toBeGreaterThan(5);
    expect(files.every((f) => f.endsWith('.bin'))).toBe(true);
    const before = new Map(files.map((f) => [f, readFileSync(f)]));

    const second = loadSns(cache);
    expect(second.stdout.trim(), second.stderr).toBe('function 1');
    // accepted by V8: nothing rewritten, nothing added
    expect(cacheFiles(cache).sort()).toEqual([...before.keys()].sort());
    for (const [f, bytes] of before) expect(readFileSync(f).equals(bytes), f).toBe(true);
  });

  it('a cache V8 rejects is compiled around and rewritten; the run does not fail', () => {
    const files = cacheFiles(cache);
    for (const f of files) writeFileSync(f, 'not V8 code cache');
    const r = loadSns(cache);
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    // (the SDK's own Node-version notice may be on stderr; no error is)
    expect(r.stderr).not.toMatch(/Error|cachedData/);
    for (const f of files) expect(readFileSync(f, 'utf8').startsWith('not V8'), f).toBe(false);
  });

  it('KSCLI_NO_COMPILE_CACHE=1 writes no cache', () => {
    const off = join(dir, 'off');
    const r = loadSns(off, { KSCLI_NO_COMPILE_CACHE: '1' });
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    expect(existsSync(off)).toBe(false);
  });

  it('KSCLI_COMPILE_CACHE_DIR moves the cache', () => {
    const moved = join(dir, 'moved');
    const r = loadSns(join(dir, 'not-here'), { KSCLI_COMPILE_CACHE_DIR: moved });
    expect(r.stdout.trim(), r.stderr).toBe('function 1');
    expect(existsSync(join(dir, 'not-here'))).toBe(false);
    expect(readdirSync(moved).length).toBe(1);
    expect(readdirSync(join(moved, readdirSync(moved)[0]!)).length).toBeGreaterThan(5);
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
    expect(cacheFiles(join(home, '.cache')).length).toBeGreaterThan(5);
    const warm = run();
    expect(warm.status, warm.stderr).toBe(0);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
  });
});
