/**
 * Two (here four) processes doing read-modify-write on one state file at once: with the lock, no
 * update is lost. Runs the built module (dist/) in child processes; `npm test` builds first.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MODULE = resolve(import.meta.dirname, '../../../../dist/sandbox/server/state-file.js');

const CHILD = `
const { StateFile } = await import(process.argv[1]);
const file = new StateFile(process.argv[2]);
for (let i = 0; i < 40; i++) file.update((cur) => ({ json: { n: ((cur && cur.json.n) || 0) + 1 }, result: undefined }));
`;

// In CI (npm test builds first) a missing dist/ is a broken build, not a reason to skip: fail loudly.
it.runIf(process.env.CI !== undefined)('the built module exists (CI builds before testing)', () => {
  expect(existsSync(MODULE), `${MODULE} is missing: run npm run build before the tests`).toBe(true);
});

describe.skipIf(!existsSync(MODULE))('state file lock across processes', () => {
  it('loses no update when four processes increment the same counter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kscli-lock-'));
    try {
      const path = join(dir, 'state.json');
      const runs = Array.from(
        { length: 4 },
        () =>
          new Promise<number>((ok) => {
            const child = spawn(
              process.execPath,
              ['--input-type=module', '-e', CHILD, pathToFileURL(MODULE).href, path],
              { stdio: 'inherit' },
            );
            child.on('exit', (code) => ok(code ?? -1));
          }),
      );
      expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
      expect(JSON.parse(readFileSync(path, 'utf8')).n).toBe(160);
      expect(existsSync(`${path}.lock`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
