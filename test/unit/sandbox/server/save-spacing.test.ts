/**
 * The sandbox's saves under sustained load are spaced by a multiple of what a save costs
 * (model-holder.ts, SAVE_COST_FACTOR): a 100,000-key account takes most of a second to serialise,
 * and saving it after every pause left the server no time to answer (issue 5, bench/RESULTS.md).
 * Time is vitest's fake clock: a save "costs" by moving it, so the spacing is exact on any machine.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateFile } from '../../../../src/sandbox/server/state-file.js';
import { ModelHolder } from '../../../../src/sandbox/server/model-holder.js';
import { fakeFactory, FakeModel } from './fake-model.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-save-spacing-'));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A model whose serialisation takes `costMs`, like a large account's. */
class SlowModel extends FakeModel {
  constructor(private readonly costMs: number) {
    super();
  }
  override toJSON(): unknown {
    // serialising takes costMs of the (fake) clock
    vi.advanceTimersByTime(this.costMs);
    return super.toJSON();
  }
}

async function savesDuring(costMs: number, windowMs: number): Promise<number[]> {
  const file = new StateFile(join(dir, 'state.json'));
  const model = new SlowModel(costMs);
  file.write(model.toJSON());
  const savedAt: number[] = [];
  const write = file.write.bind(file);
  file.write = (json: unknown) => {
    savedAt.push(performance.now());
    write(json);
  };
  const holder = new ModelHolder(fakeFactory, file, model, { saveDelayMs: 5, saveMaxWaitMs: 20 });
  const end = performance.now() + windowMs;
  while (performance.now() < end) {
    model.dirty = true;
    holder.afterChange();
    // a request every 10 ms, with a pause now and then (a burst of answers coming back)
    await vi.advanceTimersByTimeAsync(savedAt.length % 2 ? 10 : 12);
  }
  holder.flush();
  return savedAt;
}

it('spaces saves by 20 times their cost under sustained load, so saving takes at most 5% of the time', async () => {
  const saves = await savesDuring(30, 900);
  // without the spacing: a save every 20-30 ms, ~20 in 900 ms; with it: one, then not before 600 ms later
  expect(saves.length).toBeGreaterThanOrEqual(2); // at least the first and the flush
  expect(saves.length).toBeLessThanOrEqual(3);
  expect(saves[1]! - saves[0]!).toBeGreaterThanOrEqual(20 * 30);
  for (let i = 1; i < saves.length - 1; i++) expect(saves[i]! - saves[i - 1]!).toBeGreaterThanOrEqual(20 * 30);
});

it('keeps saving promptly when saves are cheap (a small account)', async () => {
  const saves = await savesDuring(0, 300);
  expect(saves.length).toBeGreaterThanOrEqual(5);
});
