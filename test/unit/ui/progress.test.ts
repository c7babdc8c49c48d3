import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/ui/progress.js';
import { memoryIO } from '../../../src/ui/io.js';
import { queryProgressReporter } from '../../../src/ui/query-progress.js';

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

  it('Logs Insights query states only on a terminal: a pipe or a file (cron mail, CI log) gets none; waits still print on change', () => {
    const pipe = memoryIO({ isTTY: false });
    const report = queryProgressReporter(createProgress(pipe));
    report({ logGroup: 'g', status: 'Running', recordsScanned: 5, bytesScanned: 10, done: false });
    report({ logGroup: 'g', status: 'Complete', recordsScanned: 9, bytesScanned: 20, done: true });
    expect(pipe.stderr()).toBe('');
    createProgress(pipe).status('waiting for DISCONNECTED: 40 s / 20 min');
    expect(pipe.stderr()).toBe('waiting for DISCONNECTED: 40 s / 20 min\n');
    const tty = memoryIO({ isTTY: true });
    queryProgressReporter(createProgress(tty))({
      logGroup: 'g',
      status: 'Running',
      recordsScanned: 5,
      bytesScanned: 10,
      done: false,
    });
    expect(tty.stderr()).toContain('Logs Insights Running, 5 records scanned (10 B) on g');
  });
});
