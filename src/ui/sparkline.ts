/**
 * A key's activity over the evidence window as one line of block characters (issue 14), so that a
 * person sees "used every week" or "silent since June" without reading counts.
 *
 * Buckets are UTC days for a window of up to 31 days, else weeks (a 90-day window is 13 weeks: it
 * fits beside a key ID in 80 columns). The newest bucket ends at the window's end; the oldest one
 * may be shorter. Heights are scaled to the key's own busiest bucket: the line shows the rhythm,
 * the number beside it the amount. A bucket with no call is '·', so silence reads as a dotted
 * line and not as blank space; any call at all shows at least '▁'.
 */
import type { DailyCount } from '../workflow/evidence/types.js';

const DAY_MS = 86_400_000;
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
export const SILENT = '·';

export interface ActivitySeries {
  /** days per bucket: 1 or 7 */
  bucketDays: 1 | 7;
  /** successful calls per bucket, oldest first */
  succeeded: number[];
  /** failed calls per bucket, oldest first */
  failed: number[];
}

const utcDay = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/** Buckets the per-day counts over `window` (days outside it are ignored). */
export function activitySeries(daily: DailyCount[], window: { start: Date; end: Date }): ActivitySeries {
  const first = utcDay(window.start);
  const last = utcDay(window.end);
  const span = Math.max(1, last - first + 1);
  const bucketDays = span <= 31 ? 1 : 7;
  const buckets = Math.ceil(span / bucketDays);
  const succeeded = new Array<number>(buckets).fill(0);
  const failed = new Array<number>(buckets).fill(0);
  for (const c of daily) {
    const day = Math.floor(Date.parse(`${c.day}T00:00:00Z`) / DAY_MS);
    if (Number.isNaN(day) || day < first || day > last) continue;
    // counted back from the newest day: the last bucket is always a whole one
    const i = buckets - 1 - Math.floor((last - day) / bucketDays);
    succeeded[i]! += c.succeeded;
    failed[i]! += c.failed;
  }
  return { bucketDays, succeeded, failed };
}

/** One character per value, scaled to the largest. */
export function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => (v <= 0 ? SILENT : LEVELS[Math.min(LEVELS.length - 1, Math.ceil((v / max) * LEVELS.length) - 1)]!))
    .join('');
}

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
