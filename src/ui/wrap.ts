/**
 * Word wrapping for a terminal (issue 14): lines are broken at spaces only, so a key ID, an ARN,
 * an alias or a store ID always stays whole on one line (an operator copies and compares them).
 * A single word longer than the width stays whole on a line of its own: breaking it would be
 * worse than letting the terminal show it as it can. Widths are counted without ANSI colour codes.
 */

// eslint-disable-next-line no-control-regex -- colour codes are exactly what is measured without
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

// eslint-disable-next-line no-control-regex -- any character outside ASCII
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Terminal columns a string takes: code points without ANSI codes (kscli prints no wide
 * characters). Plain ASCII, nearly every cell, is measured without copying it.
 */
export function visibleLength(s: string): number {
  const plain = s.includes('\u001b') ? stripAnsi(s) : s;
  return NON_ASCII.test(plain) ? [...plain].length : plain.length;
}

/**
 * A command printed for the operator to paste (ui/next-step.ts puts each on a line of its own): never
 * broken by kscli, since a break would paste as two commands; the terminal's own soft wrap copies as
 * one line.
 */
export function isCommandLine(line: string): boolean {
  return /^ *kscli /.test(line.includes('\u001b') ? stripAnsi(line) : line);
}

/**
 * Wraps one line to `width`: its leading spaces stay on the first line, continuation lines start
 * with `indent`. Spaces inside the text are kept, except where a line breaks.
 */
export function wrapWords(line: string, width: number, indent = ''): string[] {
  if (visibleLength(line) <= width || isCommandLine(line)) return [line];
  const lead = /^ */.exec(line)![0];
  // words with the spaces before them: runs of spaces inside a line (aligned labels) are kept
  const parts = [...line.slice(lead.length).matchAll(/( *)([^ ]+)/g)].map((m) => ({ space: m[1]!, word: m[2]! }));
  const lines: string[] = [];
  let current = lead;
  let empty = true;
  for (const { space, word } of parts) {
    if (!empty && visibleLength(current) + space.length + visibleLength(word) > width) {
      lines.push(current);
      current = indent;
      empty = true;
    }
    current += empty ? word : space + word;
    empty = false;
  }
  lines.push(current);
  return lines;
}

/**
 * Where a continuation line of `line` should start so that it reads as part of it: under the value
 * of a "label:   value" line (the usage details), else two spaces deeper than the line itself.
 */
export function hangingIndent(line: string): string {
  const plain = stripAnsi(line);
  const labelled = /^( *[A-Za-z][A-Za-z ]{0,20}: +)\S/.exec(plain);
  if (labelled && labelled[1]!.length <= 24) return ' '.repeat(labelled[1]!.length);
  return ' '.repeat(/^ */.exec(plain)![0].length + 2);
}

/** Every line of `text` fitted to `width` (text already narrower passes through unchanged). */
export function fitText(text: string, width: number): string {
  return text
    .split('\n')
    .map((l) => wrapWords(l, width, hangingIndent(l)).join('\n'))
    .join('\n');
}
