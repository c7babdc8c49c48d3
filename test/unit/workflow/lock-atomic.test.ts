/**
 * The lock file is created whole and taken over only from the holder that was found dead. Every
 * file call the lock makes goes through a watch (acquireLock's `fs` port): after each one the lock
 * file, if present, must parse (a second kscli may read it at any moment; an empty lock reads as a
 * dead holder and would be taken over while its run applies: the race CI caught). And a lock taken
 * by another run between this run's read and its take-over is put back, not deleted.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KscliError } from '../../../src/errors.js';
import { acquireLock, lockPath, type LockFiles } from '../../../src/workflow/lock.js';

const sys = (pid: number, alive: number[] = []) => ({
  pid,
  hostname: 'h',
  isProcessAlive: (p: number) => alive.includes(p),
  now: () => new Date('2026-11-23T12:00:00Z'),
});

interface Watch {
  path: string;
  /** the calls after which the lock file was present and did not parse */
  torn: string[];
  /** run once, just before the next rename of the lock file */
  beforeRename?: () => void;
  /** a file system without hard links */
  noLinks: boolean;
}

/** node:fs, with the lock file checked after every call */
function watched(w: Watch): LockFiles {
  const check = (call: string): void => {
    if (!fs.existsSync(w.path)) return;
    try {
      JSON.parse(fs.readFileSync(w.path, 'utf8'));
    } catch {
      w.torn.push(call);
    }
  };
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...a: A) => R) =>
    (...args: A): R => {
      const out = fn(...args);
      check(`${name}(${String(args[0])})`);
      return out;
    };
  return {
    closeSync: wrap('closeSync', fs.closeSync),
    openSync: wrap('openSync', fs.openSync),
    readFileSync: fs.readFileSync,
    writeFileSync: wrap('writeFileSync', fs.writeFileSync),
    writeSync: wrap('writeSync', fs.writeSync) as LockFiles['writeSync'],
    unlinkSync: wrap('unlinkSync', fs.unlinkSync),
    linkSync: wrap('linkSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (w.noLinks) throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
      fs.linkSync(from, to);
    }),
    renameSync: wrap('renameSync', (from: fs.PathLike, to: fs.PathLike) => {
      if (from === w.path && w.beforeRename) {
        const hook = w.beforeRename;
        w.beforeRename = undefined;
        hook();
      }
      fs.renameSync(from, to);
    }),
  };
}

describe('the lock file is never seen incomplete', () => {
  let w: Watch;
  let files: LockFiles;
  beforeEach(() => {
    const home = fs.mkdtempSync(join(tmpdir(), 'kscli-lock-atomic-'));
    w = { path: lockPath(home, '111122223333', 'eu-west-1', 'cks-0123456789abcdef0'), torn: [], noLinks: false };
    files = watched(w);
  });
  const lockDir = () => join(w.path, '..');

  it('when created, and when a dead holder is taken over', () => {
    acquireLock(w.path, 'delete-store', sys(20), files); // never released: the process died
    expect(fs.existsSync(w.path)).toBe(true);
    expect(w.torn).toEqual([]);
    const second = acquireLock(w.path, 'delete-store', sys(21), files);
    expect(second.tookOverFrom?.pid).toBe(20);
    expect(w.torn).toEqual([]);
    expect(JSON.parse(fs.readFileSync(w.path, 'utf8')).pid).toBe(21);
    second.release();
    // no file of the lock's own is left beside it
    expect(fs.readdirSync(lockDir())).toEqual([]);
  });

  it('a lock another run took after this one found the holder dead is put back, and this run stops (exit 3)', () => {
    fs.mkdirSync(lockDir(), { recursive: true });
    fs.writeFileSync(w.path, JSON.stringify({ pid: 30, startedAt: 'then', hostname: 'h', command: 'delete-store' }));
    const live = { pid: 31, startedAt: 'now', hostname: 'h', command: 'schedule-deletion' };
    // run 31 takes the dead lock over between this run's read and its own take-over
    w.beforeRename = () => fs.writeFileSync(w.path, JSON.stringify(live));
    let err: unknown;
    try {
      acquireLock(w.path, 'delete-store', sys(32, [31]), files);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(3);
    expect(JSON.parse(fs.readFileSync(w.path, 'utf8'))).toEqual(live);
    expect(fs.readdirSync(lockDir())).toEqual([w.path.split('/').pop()]);
  });

  it('on a file system without hard links, an exclusive create still takes the lock, and a live holder still refuses', () => {
    w.noLinks = true;
    const first = acquireLock(w.path, 'delete-store', sys(40), files);
    expect(JSON.parse(fs.readFileSync(w.path, 'utf8')).pid).toBe(40);
    expect(() => acquireLock(w.path, 'delete-store', sys(41, [40]), files)).toThrow(/pid 40/);
    first.release();
    expect(fs.readdirSync(lockDir())).toEqual([]);
  });
});
