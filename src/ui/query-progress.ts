/**
 * The progress line of running Logs Insights queries (issue 10): status, records and bytes scanned,
 * on stderr via the progress UI, in place, on a terminal only (a pipe or a file gets none).
 */
import type { ProgressUI } from './progress.js';
import { thousands } from '../util/text-order.js';

export interface QueryProgressView {
  logGroup: string;
  status: string;
  recordsScanned: number;
  bytesScanned: number;
  done: boolean;
}

export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function queryProgressLine(p: QueryProgressView): string {
  // what changes first, the log group last: a narrow terminal cuts the line's end (ui/progress.ts fitStatus)
  return `Logs Insights ${p.status}, ${thousands(p.recordsScanned)} records scanned (${bytes(p.bytesScanned)}) on ${p.logGroup}`;
}

/** A callback for the evidence step that draws the line, and ends it when the queries are done. */
export function queryProgressReporter(progress: ProgressUI): (p: QueryProgressView) => void {
  return (p) => {
    // for a person watching: a cron mail or a CI log gains nothing from query states (issue 23)
    progress.status(queryProgressLine(p), { ttyOnly: true });
    if (p.done) progress.done();
  };
}

/**
 * Key progress (a bar) and query progress (a status line) share stderr: while a query runs, the
 * line shows it and the bar waits; when the queries end, the bar takes over with the latest count.
 */
export function evidenceProgress(progress: ProgressUI, bar: { update(done: number, total?: number): void }) {
  let queryActive = false;
  let pending: [number, number | undefined] | undefined;
  const reporter = queryProgressReporter(progress);
  return {
    onKeys(done: number, total?: number) {
      if (queryActive) pending = [done, total];
      else bar.update(done, total);
    },
    onQuery(p: QueryProgressView) {
      queryActive = !p.done;
      reporter(p);
      if (p.done && pending) {
        bar.update(...pending);
        pending = undefined;
      }
    },
  };
}
