/**
 * ISO-8601 to the second (`2026-11-02T09:00:00Z`), as CloudTrail writes eventTime and a session's
 * creationDate. Every recorded call formats the sandbox time at least twice, and the sandbox clock
 * stands still between most calls (it moves when time is advanced or a waiter sleeps), so the last
 * answer is kept: formatting a Date was a visible share of recording a call (issue 17).
 */
let lastMs = NaN;
let lastText = '';

export function isoSeconds(t: number): string {
  if (t !== lastMs) {
    // toISOString throws for an invalid time, before anything is kept
    lastText = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastMs = t;
  }
  return lastText;
}
