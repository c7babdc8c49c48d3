/**
 * The lock file is created whole and taken over only from the holder that was found dead. Every
 * node:fs call the lock makes is watched: after each one the lock file, if present, must parse (a
 * second kscli may read it at any moment; an empty lock reads as a dead holder and would be taken
 * over while its run applies: the race CI caught). And a lock taken by another run between this
 * run's read and its take-over is put back, not deleted.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const watch = vi.hoisted(() => ({
  path: '',
  torn: [] as string[],
  /** run once, just before the next renameSync of the lock file */
  beforeRename: undefined as (() => void) | undefined,
  /** a file system without hard links */
  noLinks: false,
}));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const checked =
    <A extends unknown[], R>(name: string, fn: (...a: A) => R) =>
    (...args: A): R => {
      if (name === 'linkSync' && watch.noLinks)
        throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
      if (name === 'renameSync' && args[0] === watch.path && watch.beforeRename) {
        const hook = watch.beforeRename;
        watch.beforeRename = undefined;
        hook();
      }
      const out = fn(...args);
      if (watch.path !== '' && real.existsSync(watch.path)) {
        try {
          JSON.parse(real.readFileSync(watch.path, 'utf8'));
        } catch {
          watch.torn.push(`${name}(${String(args[0])})`);
        }
      }
      return out;
    };
  const wrapped: Record<string, unknown> = { ...real };
  for (const name of ['openSync', 'writeSync', 'closeSync', 'writeFileSync', 'linkSync', 'renameSync', 'unlinkSync'])
    wrapped[name] = checked(name, (real as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!);
  return { ...wrapped, default: wrapped };
});

const { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } = await import('node:fs');
const { acquireLock, lockPath } = await import('../../../src/workflow/lock.js');
const { KscliError } = await import('../../../src/errors.js');

const sys = (pid: number, alive: number[] = []) => ({
  pid,
  hostname: 'h',
  isProcessAlive: (p: number) => alive.includes(p),
  now: () => new Date('2026-11-23T12:00:00Z'),
});

describe('the lock file is never seen incomplete', () => {
  beforeEach(() => {
    const home = mkdtempSync(join(tmpdir(), 'kscli-lock-atomic-'));
    watch.path = lockPath(home, '111122223333', 'eu-west-1', 'cks-0123456789abcdef0');
    watch.torn = [];
    watch.noLinks = false;
  });

  it('when created, and when a dead holder is taken over', () => {
    const first = acquireLock(watch.path, 'delete-store', sys(20));
    expect(watch.torn).toEqual([]);
    // the first run dies holding it; a second takes it over
    const second = acquireLock(watch.path, 'delete-store', sys(21));
    expect(second.tookOverFrom?.pid).toBe(20);
    expect(watch.torn).toEqual([]);
    expect(JSON.parse(readFileSync(watch.path, 'utf8')).pid).toBe(21);
    second.release();
    void first;
    // no file of the lock's own is left beside it
    expect(readdirSync(join(watch.path, '..'))).toEqual([]);
  });

  it('a lock another run took after this one found the holder dead is put back, and this run stops (exit 3)', () => {
    mkdirSync(join(watch.path, '..'), { recursive: true });
    writeFileSync(watch.path, JSON.stringify({ pid: 30, startedAt: 'then', hostname: 'h', command: 'delete-store' }));
    const live = { pid: 31, startedAt: 'now', hostname: 'h', command: 'schedule-deletion' };
    // run 31 takes the dead lock over between this run's read and its own take-over
    watch.beforeRename = () => writeFileSync(watch.path, JSON.stringify(live));
    let err: unknown;
    try {
      acquireLock(watch.path, 'delete-store', sys(32, [31]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KscliError);
    expect((err as InstanceType<typeof KscliError>).exitCode).toBe(3);
    expect(JSON.parse(readFileSync(watch.path, 'utf8'))).toEqual(live);
    expect(readdirSync(join(watch.path, '..'))).toEqual([watch.path.split('/').pop()]);
  });

  it('on a file system without hard links, an exclusive create still takes the lock, and a live holder still refuses', () => {
    watch.noLinks = true;
    const first = acquireLock(watch.path, 'delete-store', sys(40));
    expect(JSON.parse(readFileSync(watch.path, 'utf8')).pid).toBe(40);
    expect(() => acquireLock(watch.path, 'delete-store', sys(41, [40]))).toThrow(/pid 40/);
    first.release();
    expect(readdirSync(join(watch.path, '..'))).toEqual([]);
  });
});
