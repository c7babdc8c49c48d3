import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/ui/progress.js';
import { memoryIO } from '../../../src/ui/io.js';

describe('progress bar', () => {
  it('never starts a bar when the work ends before the bar module has loaded', async () => {
    // a stream that looks like a terminal to cli-progress, recording what is drawn
    let drawn = '';
    const tty = {
      isTTY: true,
      columns: 80,
      write: (s: string) => ((drawn += s), true),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    };
    const io = { ...memoryIO({ isTTY: true }), err: tty };
    const bar = createProgress(io).bar('scanning keys');
    bar.update(1, 2);
    bar.stop(); // before the lazy import of cli-progress resolved
    await import('cli-progress');
    await new Promise((r) => setTimeout(r, 50));
    // a bar started now would draw (and keep a redraw timer alive): nothing may be drawn
    expect(drawn).toBe('');
  });

  it('draws nothing on a pipe', () => {
    const io = memoryIO({ isTTY: false });
    const bar = createProgress(io).bar('scanning keys');
    bar.update(1, 2);
    bar.stop();
    expect(io.stderr()).toBe('');
  });
});
