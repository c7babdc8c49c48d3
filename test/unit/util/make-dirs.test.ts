import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../../src/util/make-dirs.js';

describe('makeDirs', () => {
  it('creates every missing level with the mode asked for', () => {
    const base = mkdtempSync(join(tmpdir(), 'kscli-mkdirs-'));
    const dir = join(base, 'a', 'b', 'c');
    makeDirs(dir, 0o700);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(join(base, 'a')).mode & 0o777).toBe(0o700);
    makeDirs(dir, 0o700); // existing: nothing to do
  });

  it("fails at once under /proc, where Node's recursive mkdir spins forever", () => {
    expect(() => makeDirs('/proc/kscli-no-such-dir/journal')).toThrow(/ENOENT|EACCES|EPERM/);
  }, 5_000);
});
