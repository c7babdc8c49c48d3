/**
 * Ordering and numbers in text without ICU. `String.prototype.localeCompare` and
 * `Number.prototype.toLocaleString` load ICU's collation and number data on first use: about
 * 13 ms each in a kscli process (measured with node 20 here), in every command that sorts or counts.
 * They also order by the user's locale (LANG), so a list sorted on one machine could come out in
 * another order on the next. What kscli sorts and counts are IDs, ARNs, ISO dates and integers:
 * code-point order and ASCII digit groups are what a reader and a diff expect.
 */

/** Code-point order: a comparator for Array.prototype.sort. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A number rounded to an integer, with comma thousands separators: 1234567 -> "1,234,567". */
export function thousands(n: number): string {
  const whole = Math.round(n);
  const digits = String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return whole < 0 ? `-${digits}` : digits;
}
