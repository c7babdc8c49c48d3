import { describe, expect, it } from 'vitest';
import { streamPool } from '../../../../../src/workflow/evidence/dependents/stream-pool.js';

/** A listing of `pages` whose next page arrives only when the test releases it. */
function gatedListing(pages: number[][]) {
  const gates = pages.map(() => {
    let open!: () => void;
    const p = new Promise<void>((r) => (open = r));
    return { p, open };
  });
  const list = async (onPage: (items: readonly number[]) => void) => {
    for (const [i, page] of pages.entries()) {
      await gates[i]!.p;
      onPage(page);
    }
    return pages.flat();
  };
  return { list, release: (i: number) => gates[i]!.open() };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('streamPool', () => {
  it('starts the work on the first page, before the listing ends', async () => {
    const { list, release } = gatedListing([[1, 2], [3]]);
    const done: number[] = [];
    const run = streamPool(list, 4, async (n) => void done.push(n));
    release(0);
    await tick();
    // the second page has not arrived, yet the first page's items are done
    expect(done).toEqual([1, 2]);
    release(1);
    await run;
    expect(done).toEqual([1, 2, 3]);
  });

  it('keeps at most `size` items in flight', async () => {
    let inFlight = 0;
    let most = 0;
    await streamPool<number>(
      async (onPage) => {
        onPage([1, 2, 3, 4, 5, 6, 7]);
        return [1, 2, 3, 4, 5, 6, 7];
      },
      3,
      async () => {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
      },
    );
    expect(most).toBe(3);
  });

  it('a listing that never reports a page is served from what it resolves (each item once)', async () => {
    const done: number[] = [];
    await streamPool(
      async () => [1, 2, 3],
      2,
      async (n) => void done.push(n),
    );
    expect(done.sort()).toEqual([1, 2, 3]);
  });

  it('a failed listing fails the read after the started items settle; the listed ones still ran', async () => {
    const done: number[] = [];
    const err = await streamPool<number>(
      async (onPage) => {
        onPage([1, 2]);
        await tick();
        throw new Error('ListTables: AccessDenied');
      },
      4,
      async (n) => {
        await tick();
        done.push(n);
      },
    ).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/AccessDenied/);
    expect(done.sort()).toEqual([1, 2]);
  });

  it('an aborted signal starts no further item', async () => {
    const abort = new AbortController();
    const done: number[] = [];
    await streamPool<number>(
      async (onPage) => {
        onPage([1, 2, 3, 4]);
        return [1, 2, 3, 4];
      },
      1,
      async (n) => {
        done.push(n);
        if (n === 2) abort.abort();
      },
      abort.signal,
    );
    expect(done).toEqual([1, 2]);
  });
});
