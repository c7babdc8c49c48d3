/**
 * A bounded pool fed while its list is still being paged: the per-resource calls (DescribeTable,
 * GetBucketEncryption) start with the first page of ListTables / ListBuckets instead of after the
 * last one. Each has its own quota (100/s), so the listing's pages (30 for 3,000 tables) no longer
 * add to the read's time: bench dependents-direct-10k spent 27 s listing tables before its first
 * DescribeTable, against a 30 s floor.
 *
 * `list` pages the items, reporting each page through `onPage`, and resolves with them all; a
 * `list` that never reports a page (a port without paging) is served from what it resolves. A
 * listing that fails fails the whole read (the items not listed are not covered), after the calls
 * already started settle; an aborted signal starts no further item.
 */
export async function streamPool<T>(
  list: (onPage: (items: readonly T[]) => void) => Promise<readonly T[]>,
  size: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const queue: T[] = [];
  let next = 0;
  let paged = false;
  let closed = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const listing = list((items) => {
    paged = true;
    queue.push(...items);
    wake();
  })
    .then((all) => {
      if (!paged) queue.push(...all);
    })
    .finally(() => {
      closed = true;
      wake();
    });
  const worker = async () => {
    while (!signal?.aborted) {
      if (next < queue.length) {
        await work(queue[next++]!);
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const workers = Promise.all(Array.from({ length: size }, worker));
  // both settle before the listing's failure is reported: no call is left running unobserved
  const [listed] = await Promise.allSettled([listing, workers]);
  if (listed.status === 'rejected') throw listed.reason;
  await workers;
}
