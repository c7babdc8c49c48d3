/**
 * The one IO object (architecture.md section 3): data to `out` (stdout), progress, warnings and
 * prompts to `err` (stderr). Progress bars and colour only where the stream is a TTY.
 */
export interface Writable {
  write(chunk: string): unknown;
}

export interface IO {
  /** stdout: the command's data (tables or the one JSON document) */
  out: Writable;
  /** stderr: progress, warnings, prompts, errors */
  err: Writable;
  /** stdin, for prompts */
  in: NodeJS.ReadableStream;
  /** stdout is a terminal */
  isTTY: boolean;
  /** stderr is a terminal (progress bars) */
  errIsTTY: boolean;
  /** colour allowed: a TTY, no NO_COLOR, no --no-color */
  color: boolean;
  /** true when a human can answer a prompt (stdin and stderr are TTYs) */
  canPrompt(): boolean;
}

export function processIO(opts: { color?: boolean } = {}): IO {
  const stdinTTY = Boolean(process.stdin.isTTY);
  const errTTY = Boolean(process.stderr.isTTY);
  const outTTY = Boolean(process.stdout.isTTY);
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: process.stdout,
    err: process.stderr,
    in: process.stdin,
    isTTY: outTTY,
    errIsTTY: errTTY,
    color: (opts.color ?? true) && !noColorEnv && outTTY,
    canPrompt: () => stdinTTY && errTTY,
  };
}

/** An IO that records what was written, for tests. */
export function memoryIO(opts: { isTTY?: boolean; canPrompt?: boolean } = {}): IO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (err += s) },
    in: process.stdin,
    isTTY: opts.isTTY ?? false,
    errIsTTY: opts.isTTY ?? false,
    color: false,
    canPrompt: () => opts.canPrompt ?? false,
    stdout: () => out,
    stderr: () => err,
  };
}
