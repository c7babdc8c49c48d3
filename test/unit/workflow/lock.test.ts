import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockPath } from '../../../src/workflow/lock.js';
import type { KscliError } from '../../../src/errors.js';

const sys = (pid: number, alive: number[] = []) => ({
  pid,
  hostname: 'h',
  isProcessAlive: (p: number) => alive.includes(p),
  now: () => new Date('2026-11-23T12:00:00Z'),
});

describe('lock', () => {
  const home = mkdtempSync(join(tmpdir(), 'kscli-lock-'));
  const path = lockPath(home, '111122223333', 'eu-west-1', 'cks-0123456789abcdef0');

  it('is created 0600 with the holder pid and start time, and released', () => {
    const lock = acquireLock(path, 'delete-store', sys(10));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      pid: 10,
      startedAt: '2026-11-23T12:00:00.000Z',
      command: 'delete-store',
    });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('a live holder refuses a second kscli (exit 3, naming the pid)', () => {
    const first = acquireLock(path, 'delete-store', sys(10));
    let err: KscliError | undefined;
    try {
      acquireLock(path, 'schedule-deletion', sys(11, [10]));
    } catch (e) {
      err = e as KscliError;
    }
    expect(err?.exitCode).toBe(3);
    expect(err?.message).toMatch(/pid 10/);
    first.release();
  });

  it('a dead holder is taken over and reported', () => {
    acquireLock(path, 'delete-store', sys(10)); // never released: the process died
    const second = acquireLock(path, 'delete-store', sys(11, []));
    expect(second.tookOverFrom?.pid).toBe(10);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(11);
    second.release();
  });

  it('a torn lock file counts as a dead holder', () => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '{"pid":');
    const l = acquireLock(path, 'x', sys(12));
    expect(l.tookOverFrom).toBeDefined();
    l.release();
  });

  it('release never removes a lock someone else took over meanwhile', () => {
    const mine = acquireLock(path, 'x', sys(13));
    writeFileSync(path, JSON.stringify({ pid: 14, startedAt: 'later', hostname: 'h', command: 'y' }));
    mine.release();
    expect(existsSync(path)).toBe(true);
  });
});
