/**
 * CloudTrail LookupEvents started while the keys are still being scanned (issue 17: the per-key
 * evidence path started its lookups only after the key scan, 1.19x its floor in the usage bench
 * against 1.15x asked). LookupEvents is the slow quota (2/s per account and Region, aws-facts 5):
 * every second it idles while DescribeKey walks a large account is a second added to the run.
 *
 * The scan hands each key of the store to `add` as DescribeKey returns it; a bounded pool (the
 * CloudTrail pool size of gather.ts) asks for its events at once. gatherEvidence then takes the
 * answer with `take` instead of asking again; a key never added (or asked with another window) is
 * not served, and the caller asks itself. The query is exactly the one gatherEvidence makes
 * (ResourceName = the key ARN, StartTime = the window's start, no EndTime): only the per-key path
 * over the whole window uses it (not a log group's partial coverage, whose window ends earlier).
 * `close` stops starting lookups (an interrupt, an error, or keys that will not be assessed).
 */
import type { AwsPorts, KeyInfo, TrailEvent } from '../../aws/ports.js';
import { readSource } from './source-errors.js';

export type LookupRead = Awaited<ReturnType<typeof readSource<TrailEvent[]>>>;

export class LookupPrefetch {
  private readonly queue: KeyInfo[] = [];
  private readonly results = new Map<string, Promise<LookupRead | undefined>>();
  private readonly settle = new Map<string, (r: LookupRead | undefined) => void>();
  private running = 0;
  private closed = false;

  constructor(
    private readonly aws: AwsPorts,
    /** the window's start: StartTime of every lookup */
    readonly start: Date,
    private readonly size: number,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  /** A key of the store, as the scan finds it: its lookup starts when a slot is free. */
  add(key: KeyInfo): void {
    if (this.closed || this.results.has(key.arn)) return;
    this.results.set(key.arn, new Promise<LookupRead | undefined>((resolve) => this.settle.set(key.arn, resolve)));
    this.queue.push(key);
    this.pump();
  }

  /**
   * The lookup of this key over a window starting at `start`, if it was prefetched; resolves
   * undefined when it was queued but never asked (closed first): the caller then asks itself.
   */
  async take(arn: string, start: Date): Promise<LookupRead | undefined> {
    if (start.getTime() !== this.start.getTime()) return undefined;
    return this.results.get(arn);
  }

  /** No further lookup starts; the keys still queued are handed back to the caller (take: undefined). */
  close(): void {
    this.closed = true;
    for (const key of this.queue.splice(0)) this.settle.get(key.arn)?.(undefined);
  }

  private pump(): void {
    while (!this.closed && !this.signal?.aborted && this.running < this.size && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.running++;
      void readSource(() =>
        this.aws.cloudtrail().lookupEvents({
          attributeKey: 'ResourceName',
          attributeValue: key.arn,
          startTime: this.start,
        }),
      ).then((r) => {
        this.running--;
        this.settle.get(key.arn)?.(r);
        this.pump();
      });
    }
  }
}
