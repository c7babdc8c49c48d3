import { describe, expect, it } from 'vitest';
import { memoryIO } from '../../../src/ui/io.js';
import { noticeWriter } from '../../../src/ui/notice.js';

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
