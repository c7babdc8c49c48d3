/**
 * One operator at a time per store (issue 6): a lock file ~/.kscli/locks/<account>-<region>-<store>.lock
 * (0600) holding the holder's pid and start time. A second kscli refuses to mutate while the holder
 * lives; a lock whose process is gone is taken over, with a message.
 *
 * Only mutating runs take the lock, after confirmation and before the first mutating call.
 */
import { makeDirs } from '../util/make-dirs.js';
import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { KscliError, ExitCode } from '../errors.js';

export interface LockHolder {
  pid: number;
  startedAt: string;
  hostname: string;
  command: string;
}

export interface LockSystem {
  pid: number;
  hostname: string;
  isProcessAlive(pid: number): boolean;
  now(): Date;
}

export interface HeldLock {
  path: string;
  /** set when a dead holder's lock was taken over */
  tookOverFrom?: LockHolder;
  release(): void;
}

export function lockPath(home: string, account: string, region: string, storeId: string): string {
  return join(home, '.kscli', 'locks', `${account}-${region}-${storeId}.lock`);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined; // unreadable or torn: treated as a dead holder
  }
}

export function acquireLock(path: string, command: string, sys: LockSystem): HeldLock {
  makeDirs(join(path, '..'), 0o700);
  const me: LockHolder = { pid: sys.pid, startedAt: sys.now().toISOString(), hostname: sys.hostname, command };
  let tookOverFrom: LockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600); // exclusive create: the atomic step
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        path,
        tookOverFrom,
        release: () => {
          const h = readHolder(path);
          if (h && h.pid === me.pid && h.startedAt === me.startedAt) {
            try {
              unlinkSync(path);
            } catch {
              /* already gone */
            }
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(path);
    if (holder && holder.hostname !== sys.hostname) {
      throw new KscliError(
        ExitCode.Blocked,
        `another kscli (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}) holds the lock on this store`,
        `if that run is surely gone, delete ${path} and run again`,
      );
    }
    if (holder && holder.pid !== sys.pid && sys.isProcessAlive(holder.pid)) {
      throw new KscliError(
        ExitCode.Blocked,
        `another kscli (pid ${holder.pid}, "${holder.command}", since ${holder.startedAt}) is working on this store`,
        'wait for it to finish, then run again',
      );
    }
    // the holder is gone: take the lock over (remove and retry the exclusive create once)
    tookOverFrom = holder ?? { pid: 0, startedAt: 'unknown', hostname: sys.hostname, command: 'unknown' };
    try {
      unlinkSync(path);
    } catch {
      /* someone else removed it first */
    }
  }
  throw new KscliError(
    ExitCode.Blocked,
    `could not take the lock ${path}: another kscli took it at the same moment`,
    'run again',
  );
}
