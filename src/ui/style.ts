/**
 * Colours for tables and messages: chalk on a TTY, plain text otherwise (NO_COLOR, --no-color, pipes).
 */
import { Chalk } from 'chalk';

export interface Style {
  ok(s: string): string;
  warn(s: string): string;
  bad(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function createStyle(color: boolean): Style {
  const c = new Chalk({ level: color ? 1 : 0 });
  return { ok: (s) => c.green(s), warn: (s) => c.yellow(s), bad: (s) => c.red(s), dim: (s) => c.dim(s), bold: (s) => c.bold(s) };
}
