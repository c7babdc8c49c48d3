/**
 * `--version`, `--help` and bad input never load the AWS SDK (issue 2; architecture.md section 3,
 * "AWS clients are created lazily"): they stay fast and need no credentials. Every module the
 * process loads is traced (ESM resolve hook + CommonJS Module._load, the preload the start-up
 * benchmark uses); a control run that does call AWS proves the trace sees the SDK when it loads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './helpers/index.js';

assertBuilt();

const PRELOAD = join(ROOT, 'bench', 'lib', 'module-trace-preload.mjs');

function loadedModules(args: string[]): { code: number | null; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kscli-trace-'));
  const trace = join(dir, 'trace.txt');
  const r = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'bin', 'kscli.js'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      KSCLI_BENCH_TRACE_FILE: trace,
      KSCLI_SANDBOX_STATE: join(dir, 'state.json'),
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const files = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, modules: files.flatMap(sourcesOf) };
}

/** dist/meta.json: each file of the bundle → the source files in it (scripts/build.mjs) */
const BUNDLE = JSON.parse(readFileSync(join(ROOT, 'dist', 'meta.json'), 'utf8')) as Record<string, string[]>;

/**
 * A traced file of the bundle → the modules bundled in it, named as a file-by-file build names
 * them (src/x/y.ts as dist/x/y.js, a package's file as node_modules/...), so that the checks
 * below speak of kscli's modules whatever chunk holds them. A chunk holds only modules reached
 * from the same entries and dynamic imports, so loading it loads nothing the run did not reach.
 */
function sourcesOf(line: string): string[] {
  const [kind, url] = line.split(' ', 2);
  const file = /\/dist\/(.+\.c?js)$/.exec(url ?? '')?.[1];
  const inputs = file === undefined ? undefined : BUNDLE[file];
  if (!inputs) return [line];
  return inputs.map((input) =>
    input.startsWith('src/')
      ? `${kind} ${ROOT}/dist/${input.slice(4).replace(/\.ts$/, '.js')}`
      : `${kind} ${ROOT}/${input}`,
  );
}

const sdkModules = (modules: string[]) => modules.filter((m) => /node_modules\/@(aws-sdk|smithy)\//.test(m));

describe('the AWS SDK is loaded only by commands that call AWS', () => {
  it.each([
    [['--version'], 0],
    [['--help'], 0],
    [['delete-store', '--help'], 0],
    [['find-keys', 'cks-123'], 2],
    [['schedule-deletion', 'cks-1234567890abcdef0', '--window-days', '6'], 2],
  ])('kscli %j loads no @aws-sdk or @smithy module', (args, code) => {
    const r = loadedModules(args as string[]);
    expect(r.code).toBe(code);
    expect(r.modules.length, 'the trace recorded the modules loaded').toBeGreaterThan(2);
    expect(sdkModules(r.modules)).toEqual([]);
  });

  it("--help loads only the command definitions: not Deps, a command's run, its renderer, nor the plan runner", () => {
    const r = loadedModules(['--help']);
    expect(r.code).toBe(0);
    const kscli = r.modules.filter((m) => m.includes('/dist/src/') || /\/dist\/[a-z]/.test(m));
    expect(
      kscli.some((m) => m.includes('/commands/schedule-deletion/command.js')),
      'the trace lists the command definitions',
    ).toBe(true);
    const heavy = kscli.filter((m) =>
      /\/deps\.js$|\/commands\/[a-z-]+\/run\.js$|\/ui\/render\/(?!output)[a-z-]+\.js$|\/workflow\/plan-runner\//.test(
        m,
      ),
    );
    expect(heavy).toEqual([]);
  });

  it.each([
    [['--help'], 0],
    [['retire-cluster', '--help'], 0],
    [['--bogus-flag'], 2],
    [['schedule-deletion', 'cks-1234567890abcdef0', '--bogus-flag'], 2],
    [['find-keys', 'cks-123'], 2],
    [['retire-cluster', 'cluster-1a23b4cdefg', '--days', 'x'], 2],
  ])('kscli %j loads no workflow module (issue 17: descriptors and flag parsing stand alone)', (args, code) => {
    const r = loadedModules(args as string[]);
    expect(r.code).toBe(code);
    expect(
      r.modules.some((m) => /\/dist\/(src\/)?input\/validate\.js$/.test(m)),
      'the trace sees the flag parsers',
    ).toBe(true);
    expect([...new Set(r.modules.filter((m) => /\/dist\/(src\/)?workflow\//.test(m)))]).toEqual([]);
  });

  it('--version alone loads neither the program nor any command or workflow module (main.ts answers it)', () => {
    const r = loadedModules(['--version']);
    expect(r.code).toBe(0);
    const kscli = r.modules.filter((m) => /\/dist\//.test(m));
    expect(kscli.some((m) => /\/main\.js$/.test(m))).toBe(true);
    expect(kscli.filter((m) => /\/(cli|commands\/|workflow\/|ui\/)/.test(m))).toEqual([]);
    expect(r.modules.filter((m) => m.includes('node_modules/commander'))).toEqual([]);
  });

  it('--help loads neither the estate runner (nor the account-file reader and its YAML parser) nor cli-table3', () => {
    const r = loadedModules(['--help']);
    expect(r.code).toBe(0);
    const heavy = r.modules.filter((m) =>
      /\/workflow\/estate\/(?!options)[a-z-]+\.js$|\/aws\/|node_modules\/(js-yaml|cli-table3)\//.test(m),
    );
    expect(heavy).toEqual([]);
  });

  it('control: a command that calls AWS does load the SDK, and the trace sees it', () => {
    const r = loadedModules(['stores', '--sandbox', '--output', 'json']);
    expect(r.code).toBe(0);
    expect(sdkModules(r.modules).some((m) => m.includes('@aws-sdk/client-kms'))).toBe(true);
  });
});
