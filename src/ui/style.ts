/**
 * The palette (issue 14): each colour means one thing in every command, and is always laid over a
 * word that says the same thing, so NO_COLOR, --no-color, a pipe or a colour-blind reader loses
 * nothing:
 *
 *   red    bad   blocked, in use, failed              (the operator must not go on as is)
 *   yellow warn  skipped, unknown, warning, pending   (look before going on)
 *   green  ok    will be applied, unused, done        (safe to go on)
 *   dim    dim   detail, notes, legends
 *   bold   bold  headings, the thing a line is about
 *
 * Colour only on a terminal (chalk level 1, the 16 basic colours every terminal has); plain text
 * otherwise. The functions below map kscli's words to their colour, so every command colours the
 * same word the same way.
 */
import { Chalk } from 'chalk';

export interface Style {
  /** green: will be applied, unused, done */
  ok(s: string): string;
  /** yellow: skipped, unknown, warning */
  warn(s: string): string;
  /** red: blocked, in use, failed */
  bad(s: string): string;
  /** dim: detail */
  dim(s: string): string;
  bold(s: string): string;
}

export function createStyle(color: boolean): Style {
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    ok: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    bad: (s) => c.red(s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
  };
}

/** A usage verdict (`usage`, plans): in-use red, unknown yellow, unused green. */
export function verdictWord(style: Style, verdict: string): string {
  return verdict === 'in-use' ? style.bad(verdict) : verdict === 'unused' ? style.ok(verdict) : style.warn(verdict);
}

/** A plan line's status: apply green, BLOCKED red, skip yellow. */
export function planStatusWord(style: Style, status: string): string {
  if (status === 'apply') return style.ok('apply');
  if (status === 'blocked') return style.bad('BLOCKED');
  return style.warn(status);
}

/** What happened to a plan line after apply: done green, failed or blocked red, the rest yellow. */
export function outcomeWord(style: Style, outcome: string): string {
  if (outcome === 'done') return style.ok(outcome);
  if (outcome === 'failed' || outcome === 'blocked') return style.bad(outcome);
  return style.warn(outcome);
}
