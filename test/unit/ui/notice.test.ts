import { describe, expect, it } from 'vitest';
import { memoryIO } from '../../../src/ui/io.js';
import { noticeWriter } from '../../../src/ui/notice.js';
import { createProgress } from '../../../src/ui/progress.js';

const LONG =
  '--evidence auto joined two sources: log group aws-cloudtrail-logs begins 2026-12-04, so CloudTrail LookupEvents answers for 2026-09-08..2026-12-04';

describe('notices on stderr', () => {
  it('on a terminal: clears the line a progress bar may hold, and wraps to the width at spaces', () => {
    const io = memoryIO({ isTTY: true, columns: 80 });
    noticeWriter(io)(LONG);
    const text = io.stderr();
    expect(text.startsWith('\r\u001b[2K')).toBe(true);
    const lines = text.slice('\r\u001b[2K'.length).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(LONG);
  });

  it('piped: the line as is, no control codes', () => {
    const io = memoryIO();
    noticeWriter(io)(LONG);
    expect(io.stderr()).toBe(`${LONG}\n`);
  });
});

describe('a notice under a progress bar (cli-progress restores its saved cursor over it)', () => {
  it('waits for the bar to stop, then is written whole; with no bar on screen it goes at once', async () => {
    const io = memoryIO({ isTTY: true, columns: 80 });
    const progress = createProgress(io);
    const say = noticeWriter(io, progress);
    say('before any bar');
    expect(io.stderr()).toContain('before any bar');
    const bar = progress.bar('examining key usage');
    bar.update(1, 4);
    await import('cli-progress'); // the bar loads its module lazily: let it draw
    await new Promise((r) => setTimeout(r, 20));
    say(LONG);
    expect(io.stderr()).not.toContain('--evidence auto joined');
    bar.stop();
    const after = io.stderr();
    expect(after.indexOf('--evidence auto joined')).toBeGreaterThan(after.lastIndexOf('examining key usage'));
  });
});
