/**
 * Compares output the README shows with output kscli printed: both normalised (times, dates,
 * digests, ports and relative times vary from run to run; trailing spaces do not count), and the
 * README's lines must appear in the output as one contiguous run, where a line `...` stands for any
 * number of lines.
 */

export function normalise(line: string): string {
  return line
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, '<TIME>')
    .replace(/\d{4}-\d{2}-\d{2}/g, '<DATE>')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<DIGEST>')
    .replace(/sha256:[0-9a-f]{16}…/g, 'sha256:<DIGEST>…')
    .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:<PORT>')
    .replace(
      /\b(in )?\d+ (?:second|minute|hour|day|week|month|year)s?( ago)?\b/g,
      (_m, pre: string, post: string) => `${pre ?? ''}<REL>${post ?? ''}`,
    )
    .replace(/\s+$/, '');
}

/** Normalised lines of a text; leading and trailing blank lines dropped. */
export function normaliseLines(text: string | string[]): string[] {
  const lines = (typeof text === 'string' ? text.split('\n') : text).map(normalise);
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines.at(-1) === '') lines.pop();
  return lines;
}

function matchesAt(expected: string[], actual: string[], e: number, a: number): boolean {
  if (e === expected.length) return true;
  if (expected[e] === '...') {
    for (let k = a; k <= actual.length; k += 1) if (matchesAt(expected, actual, e + 1, k)) return true;
    return false;
  }
  return a < actual.length && expected[e] === actual[a] && matchesAt(expected, actual, e + 1, a + 1);
}

/** Whether the expected lines appear contiguously in the actual ones (`...` elides lines). */
export function containsLines(expected: string[], actual: string[]): boolean {
  if (expected.length === 0) return true;
  for (let a = 0; a <= actual.length; a += 1) if (matchesAt(expected, actual, 0, a)) return true;
  return false;
}

/** The first expected line that is nowhere in the output: what an assertion message names. */
export function firstMissing(expected: string[], actual: string[]): string | undefined {
  return expected.find((l) => l !== '...' && !actual.includes(l));
}
