/**
 * Human dates beside machine dates (issue 14): "3 days ago", "in 30 days" on the terminal, with
 * the ISO date kept where a decision rests on the exact moment (deletion dates, when to run again).
 * JSON documents never use these: they keep ISO dates only.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "just now", "5 minutes ago", "3 days ago", "in 30 days", "in 2 months": rounded to the unit shown. */
export function relativeDate(date: Date | string, now: Date): string {
  const ms = new Date(date).getTime() - now.getTime();
  const abs = Math.abs(ms);
  let span: string;
  if (abs < MINUTE) return 'just now';
  if (abs < HOUR) span = plural(Math.round(abs / MINUTE), 'minute');
  else if (abs < DAY) span = plural(Math.round(abs / HOUR), 'hour');
  // days up to two months: deletion waiting periods (7-30 days) and the 90-day evidence window read in days
  else if (abs < 60 * DAY) span = plural(Math.round(abs / DAY), 'day');
  else if (abs < 730 * DAY) span = plural(Math.round(abs / (30.44 * DAY)), 'month');
  else span = plural(Math.round(abs / (365.25 * DAY)), 'year');
  return ms > 0 ? `in ${span}` : `${span} ago`;
}

/** "2026-12-30T19:46:39.984Z (in 30 days)": the machine date, then the human one. */
export function isoWithRelative(date: Date | string, now: Date): string {
  return `${new Date(date).toISOString()} (${relativeDate(date, now)})`;
}

const ISO_TIMESTAMP = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z)(?! \()/g;

/**
 * Adds the relative date after every ISO timestamp of a line meant for a person (plan reasons such
 * as "already PendingDeletion (deletion on 2026-12-05T19:46:39.984Z)"), leaving the text itself,
 * which the JSON document also carries, unchanged.
 */
export function withRelativeDates(text: string, now: Date): string {
  return text.replace(ISO_TIMESTAMP, (iso) =>
    Number.isNaN(Date.parse(iso)) ? iso : `${iso} (${relativeDate(iso, now)})`,
  );
}
