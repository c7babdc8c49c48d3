/**
 * Persistence of the sandbox account: ONE JSON file, written atomically (a temp file in the same
 * directory, then rename, mode 0600) under a lock file so that two processes (`sandbox serve` and
 * `sandbox advance`, or two servers) never interleave a read-modify-write.
 *
 * The lock is held only around a load or a save, never while serving: `kscli sandbox advance`
 * must be able to change the file while `kscli sandbox serve` runs, and the server notices the
 * change (inode, size, mtime differ from its own last write) and reloads before the next request.
 */
import { makeDirs } from '../../util/make-dirs.js';
import { isProcessAlive } from '../../util/process-alive.js';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { SandboxRunError } from '../errors.js';
import { stateText } from './state-text.js';

/** `$KSCLI_SANDBOX_STATE`, else `~/.kscli/sandbox/state.json` (issue 4). */
export function defaultStatePath(env: Record<string, string | undefined>): string {
  if (env.KSCLI_SANDBOX_STATE) return env.KSCLI_SANDBOX_STATE;
  return join(env.HOME || homedir(), '.kscli', 'sandbox', 'state.json');
}

/** Identity of a file version: a change by anyone else changes at least one of these. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

function stampOf(s: { ino: number; size: number; mtimeMs: number }): FileStamp {
  return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return Boolean(a && b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);
}

export interface LockInfo {
  pid: number;
  startedAt: string;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface LockOptions {
  /** how long to wait for a live holder, ms */
  timeoutMs?: number;
  /** told when a lock of a dead process is taken over */
  onTakeover?: (stale: LockInfo | undefined) => void;
}

/**
 * Runs `fn` holding `<file>.lock`, created with O_EXCL and holding `{pid, startedAt}`. A lock whose
 * process is gone (or unreadable for more than the timeout) is taken over.
 */
export function withFileLock<T>(file: string, fn: () => T, opts: LockOptions = {}): T {
  const lockPath = `${file}.lock`;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  makeDirs(dirname(file), 0o700);
  for (;;) {
    try {
      const fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockInfo));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
      } catch {
        holder = undefined; // being written right now, or garbage
      }
      const stale = holder ? !isProcessAlive(holder.pid) : Date.now() > deadline;
      if (stale) {
        opts.onTakeover?.(holder);
        try {
          unlinkSync(lockPath);
        } catch {
          /* someone else took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new SandboxRunError(
          'failure',
          `the sandbox state ${file} is locked by process ${holder?.pid} since ${holder?.startedAt}`,
          `wait for it to finish, or delete ${lockPath} if that process is not a kscli sandbox`,
        );
      }
      sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}

export function corruptStateError(file: string, detail: string): SandboxRunError {
  return new SandboxRunError(
    'bad-input',
    `the sandbox state file ${file} is corrupt (${detail})`,
    `run: kscli sandbox reset --state ${file}`,
  );
}

/** The raw JSON document and the stamp of the version read. */
export interface LoadedState {
  json: unknown;
  stamp: FileStamp;
}

export class StateFile {
  /** the stamp of the version this process last read or wrote */
  private stamp: FileStamp | undefined;

  constructor(readonly path: string) {}

  exists(): boolean {
    return existsSync(this.path);
  }

  /** Reads and parses the file (caller holds the lock or accepts a racing rename, which is atomic). */
  read(): LoadedState {
    const fd = openSync(this.path, 'r');
    try {
      const stamp = stampOf(fstatSync(fd));
      const text = readFileSync(fd, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw corruptStateError(this.path, (e as Error).message.split('\n')[0]!);
      }
      if (typeof json !== 'object' || json === null) throw corruptStateError(this.path, 'not a JSON object');
      this.stamp = stamp;
      return { json, stamp };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Atomic replace: write `<file>.<pid>.tmp`, then rename over the file. Caller holds the lock.
   * The text is JSON.stringify's (state-text.ts keeps the text of the recorded history).
   */
  write(json: unknown): void {
    makeDirs(dirname(this.path), 0o700);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, stateText(json), { mode: 0o600 });
    renameSync(tmp, this.path);
    this.stamp = stampOf(statSync(this.path));
  }

  /** True when the file is not the version this process last read or wrote. */
  changedByOthers(): boolean {
    try {
      return !sameStamp(this.stamp, stampOf(statSync(this.path)));
    } catch {
      return false; // deleted: keep serving what we have; the next save recreates it
    }
  }

  /** Load-modify-save under the lock, for one-shot commands (`sandbox advance`, `reset`). */
  update<T>(
    fn: (current: LoadedState | undefined) => { json: unknown; result: T },
    opts?: LockOptions & { ignoreCurrent?: boolean },
  ): T {
    return withFileLock(
      this.path,
      () => {
        // `reset` replaces the file whatever it holds: a corrupt file must not stop the command its
        // own error message tells the user to run
        const current = this.exists() && !opts?.ignoreCurrent ? this.read() : undefined;
        const { json, result } = fn(current);
        this.write(json);
        return result;
      },
      opts,
    );
  }
}
