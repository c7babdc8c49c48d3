/**
 * The one IO object (architecture.md section 3): data to `out` (stdout), progress, warnings and
 * prompts to `err` (stderr). Progress bars and colour only where the stream is a TTY.
 */
import { fitText } from './wrap.js';

export interface Writable {
  write(chunk: string): unknown;
  /** writes without fitting to the terminal's width (a JSON document must reach the screen unchanged) */
  writeVerbatim?(chunk: string): unknown;
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
  /** stdout's width in columns when it is a terminal (text is laid out to it), else undefined */
  columns?: number;
  /** stderr's width in columns when it is a terminal, else undefined */
  errColumns?: number;
}

/** A terminal's columns, or undefined when it is not one (or reports no size, as a bare pty can). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * stdout on a terminal: every line fitted to the width at the moment it is written (the window may
 * be resized), so no line of kscli's is ever broken mid-word by the terminal. Tables are laid out
 * to the width beforehand (ui/table.ts); this catches the prose lines (headers, details, notes).
 */
export function fittingWriter(target: Writable, columns: () => number | undefined): Writable {
  return {
    write: (chunk: string) => {
      const width = columns();
      return target.write(width === undefined ? chunk : fitText(chunk, width));
    },
    writeVerbatim: (chunk: string) => target.write(chunk),
  };
}

export function processIO(opts: { color?: boolean } = {}): IO {
  const stdinTTY = Boolean(process.stdin.isTTY);
  const errTTY = Boolean(process.stderr.isTTY);
  const outTTY = Boolean(process.stdout.isTTY);
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: outTTY ? fittingWriter(process.stdout, () => terminalColumns(process.stdout)) : process.stdout,
    err: process.stderr,
    in: process.stdin,
    isTTY: outTTY,
    get columns() {
      return terminalColumns(process.stdout);
    },
    get errColumns() {
      return terminalColumns(process.stderr);
    },
    errIsTTY: errTTY,
    color: (opts.color ?? true) && !noColorEnv && outTTY,
    canPrompt: () => stdinTTY && errTTY,
  };
}

/** An IO that records what was written, for tests. */
export function memoryIO(
  opts: { isTTY?: boolean; canPrompt?: boolean; columns?: number } = {},
): IO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  const raw = { write: (s: string) => (out += s) };
  return {
    out: opts.columns ? fittingWriter(raw, () => opts.columns) : raw,
    columns: opts.columns,
    errColumns: opts.columns,
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
