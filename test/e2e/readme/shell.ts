/**
 * A reader's terminal for the README test: a fresh home (HOME, XDG dirs, an empty working
 * directory), no AWS variables, `kscli` on PATH as installed (`npm link`) and `npx kscli` running
 * the same built binary. Each command runs in bash on a pseudo-terminal (util-linux `script`), as
 * typed at a prompt: tables, colours and the typed confirmation are what a person sees. Variables a
 * command sets (`export`, `x=$(...)`) and `cd` carry over to the next command of the block, as in
 * one shell session. A prompt `Type cks-... to continue` is answered by typing that store ID, which
 * is what the README tells the reader to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/build.js';
import { E2E_COMPILE_CACHE } from '../helpers/env.js';

export type Env = Record<string, string>;

/** Stops every one of them even when one fails to, then reports the first failure. */
export async function stopAll(stoppable: Array<{ stop(): Promise<void> }>): Promise<void> {
  const failed = (await Promise.allSettled(stoppable.map((s) => s.stop()))).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export interface ShellResult {
  command: string;
  code: number | null;
  /** what the terminal showed (stdout and stderr), carriage returns applied, ANSI codes removed */
  screen: string;
  timedOut: boolean;
}

// eslint-disable-next-line no-control-regex -- terminal output: ANSI escape sequences are what we strip
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;
const PROMPT = /Type (cks-[0-9a-f]{17}) to continue/;
/** variables bash sets itself: never carried from one command to the next */
/** how long a background command may take to exit after SIGTERM (a server saving its state) */
const STOP_GRACE_MS = 10_000;
const SHELL_OWN = new Set(['_', 'SHLVL', 'PWD', 'OLDPWD', 'KSCLI_README_OUT', 'COLUMNS', 'LINES']);

/**
 * What a terminal shows for raw pty output: a small screen model of the sequences kscli's progress
 * lines use (carriage return, save/restore cursor, cursor moves, erase in line/below); colours and
 * other sequences are dropped.
 */
export function terminalText(raw: string): string {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let saved = { row: 0, col: 0 };
  const line = () => (lines[row] ??= []);
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i]!;
    if (c === '\x1b') {
      // eslint-disable-next-line no-control-regex -- a control sequence is exactly what is parsed here
      const csi = /^\x1b\[([?0-9;]*)([A-Za-z])/.exec(raw.slice(i, i + 16));
      if (csi) {
        i += csi[0].length - 1;
        const n = Number(csi[1]!.replace('?', '') || '0');
        const fin = csi[2]!;
        if (fin === 'G') col = Math.max(0, (n || 1) - 1);
        else if (fin === 'A') row = Math.max(0, row - (n || 1));
        else if (fin === 'B') row += n || 1;
        else if (fin === 'C') col += n || 1;
        else if (fin === 'D') col = Math.max(0, col - (n || 1));
        else if (fin === 'K') {
          if (n === 2) lines[row] = [];
          else if (n === 0) line().length = Math.min(line().length, col);
        } else if (fin === 'J') lines.length = row + 1;
        continue;
      }
      const next = raw[i + 1];
      if (next === '7') saved = { row, col };
      else if (next === '8') ({ row, col } = saved);
      else if (next === ']') {
        const bel = raw.indexOf('\x07', i);
        i = bel < 0 ? raw.length : bel;
        continue;
      }
      i += 1;
      continue;
    }
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row += 1;
      col = 0;
    } else {
      const l = line();
      while (l.length < col) l.push(' ');
      l[col] = c;
      col += 1;
    }
  }
  return Array.from(lines, (l) => (l ?? []).join('').replace(/\s+$/, '')).join('\n');
}

export class ReaderShell {
  readonly dir: string;
  readonly home: string;
  cwd: string;
  env: Env;
  /** the port a `sandbox serve` started in this shell listens on (stands for the README's 4566) */
  servedPort?: string;
  private readonly out: string;
  private readonly background: ChildProcess[] = [];

  constructor(label: string, extraEnv: Env = {}) {
    this.dir = mkdtempSync(join(tmpdir(), `kscli-readme-${label}-`));
    this.home = join(this.dir, 'home');
    this.cwd = join(this.dir, 'work');
    this.out = join(this.dir, 'out');
    const bin = join(this.dir, 'bin');
    for (const d of [this.home, this.cwd, this.out, bin]) mkdirSync(d, { recursive: true });
    // `kscli` as `npm link` installs it; `npx kscli` inside the checkout runs the same binary
    writeFileSync(join(bin, 'kscli'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/sh\nif [ "$1" = kscli ]; then shift; exec "${process.execPath}" "${BIN}" "$@"; fi\necho "npx $1: not available in the README test" >&2; exit 127\n`,
    );
    chmodSync(join(bin, 'kscli'), 0o755);
    chmodSync(join(bin, 'npx'), 0o755);
    this.env = {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      XDG_CACHE_HOME: join(this.home, '.cache'),
      // the SDK's code cache only (compile-cache.ts): warm across blocks, as on an operator's machine
      KSCLI_COMPILE_CACHE_DIR: E2E_COMPILE_CACHE,
      XDG_DATA_HOME: join(this.home, '.local', 'share'),
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      SHELL: '/bin/bash',
      // the AWS CLI on the test machines is a pyenv shim, which finds its Python from PYENV_ROOT
      ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
      ...extraEnv,
    };
  }

  /** Runs one command as typed at the prompt of a terminal `columns` wide. */
  run(command: string, opts: { columns?: number; timeoutMs?: number } = {}): Promise<ShellResult> {
    const file = join(this.out, 'command.sh');
    writeFileSync(
      file,
      `set -a\n${command}\n__rc=$?\nset +a\nenv -0 > "$KSCLI_README_OUT/env"; pwd > "$KSCLI_README_OUT/pwd"\nexit $__rc\n`,
    );
    rmSync(join(this.out, 'env'), { force: true });
    const cols = opts.columns ?? 80;
    const inner = `stty cols ${cols} rows 60 2>/dev/null; exec bash ${file}`;
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qfec', inner, '/dev/null'], {
        cwd: this.cwd,
        env: { ...this.env, KSCLI_README_OUT: this.out },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let raw = '';
      let answered = false;
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        raw += s;
        const m = !answered && PROMPT.exec(raw.replace(ANSI, ''));
        if (m) {
          answered = true;
          child.stdin.write(`${m[1]}\r`);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (s: string) => (raw += s));
      child.stdin.on('error', () => {});
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        this.carryOver();
        resolve({ command, code, screen: terminalText(raw), timedOut });
      });
    });
  }

  /** Starts `command &`: waits for its first line of output, leaves it running until stop(). */
  startBackground(command: string, ready: RegExp, timeoutMs = 20_000): Promise<string> {
    const child = spawn('bash', ['-c', `set -a; exec ${command}`], {
      cwd: this.cwd,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.background.push(child);
    return new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(
        () => reject(new Error(`${command}: no ${ready} within ${timeoutMs} ms:\n${text}`)),
        timeoutMs,
      );
      const onData = (s: string) => {
        text += s;
        if (ready.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      child.stdout!.setEncoding('utf8').on('data', onData);
      child.stderr!.setEncoding('utf8').on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited ${code} before it was ready:\n${text}`));
      });
    });
  }

  /** Writes a file into the working directory (a script block), returns its path. */
  writeFile(name: string, content: string): string {
    const path = join(this.cwd, name);
    writeFileSync(path, content, { mode: 0o755 });
    return path;
  }

  /**
   * Stops the background commands, then removes the shell's directory. SIGTERM first: `sandbox
   * serve` saves its state file on it, into this directory, so the removal waits for the process
   * group to exit (removing while it wrote failed a whole run with ENOTEMPTY, and the shells stopped
   * after it were never stopped); SIGKILL if it lingers.
   */
  async stop(): Promise<void> {
    const signal = (c: ChildProcess, sig: NodeJS.Signals) => {
      try {
        if (c.pid !== undefined) process.kill(-c.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const running = this.background.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (c) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              signal(c, 'SIGKILL');
              resolve();
            }, STOP_GRACE_MS);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            signal(c, 'SIGTERM');
          }),
      ),
    );
    if (process.env.KSCLI_E2E_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** The variables and directory a command left behind become the next command's. */
  private carryOver(): void {
    let dump: string;
    try {
      dump = readFileSync(join(this.out, 'env'), 'utf8');
      this.cwd = readFileSync(join(this.out, 'pwd'), 'utf8').trim() || this.cwd;
    } catch {
      return; // the command ended the shell (exit, a signal): nothing to carry
    }
    for (const entry of dump.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const name = entry.slice(0, eq);
      if (SHELL_OWN.has(name) || name.startsWith('BASH')) continue;
      const value = entry.slice(eq + 1);
      if (this.env[name] !== value) this.env[name] = value;
    }
  }
}
