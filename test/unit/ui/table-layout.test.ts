/**
 * Tables laid out to the terminal's width (issue 14): the unwrapped layout off a terminal, cells
 * wrapped inside their column on one, words (IDs, ARNs, aliases) never broken, and one record per
 * row when the narrowest table does not fit.
 */
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { fitColumns, renderTable } from '../../../src/ui/table.js';
import { stripAnsi, visibleLength, wrapWords, fitText } from '../../../src/ui/wrap.js';
import { createStyle } from '../../../src/ui/style.js';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY}`;
const ALIAS = 'alias/payments-legacy';
const HEADERS = ['STATUS', 'TARGET', 'ACTION', 'STATE', 'REASON'];
const ROWS = [
  [
    'apply',
    KEY,
    'ScheduleKeyDeletion',
    `Enabled ${ALIAS}`,
    'schedule deletion in 30 days (in-use, overridden with --allow-in-use)',
  ],
  [
    'skip',
    '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    'ScheduleKeyDeletion',
    'PendingDeletion',
    'already PendingDeletion (deletion on 2026-12-05T19:46:39.984Z)',
  ],
];

/** Every word of every cell is whole on some line of the output. */
function expectWordsWhole(text: string, rows: string[][]) {
  const lines = stripAnsi(text).split('\n');
  for (const cell of rows.flat())
    for (const w of stripAnsi(cell).split(/\s+/).filter(Boolean))
      expect(
        lines.some((l) => l.includes(w)),
        `word ${w}`,
      ).toBe(true);
}

/** The layout kscli always had off a terminal: columns as wide as their widest cell, last one unpadded. */
function oldLayout(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

describe('renderTable off a terminal (pipes, files)', () => {
  it('is the stable unwrapped layout, byte for byte, coloured cells included', () => {
    const style = createStyle(true);
    const rows = ROWS.map((r) => [style.bad(r[0]!), ...r.slice(1)]);
    expect(renderTable(HEADERS, rows)).toBe(oldLayout(HEADERS, rows));
    expect(renderTable(['A', 'B'], [])).toBe('A  B\n');
    expect(
      renderTable(
        ['KEY', 'ALIASES'],
        [
          [KEY, '-'],
          ['k2', 'alias/a,alias/b'],
        ],
      ),
    ).toBe(
      oldLayout(
        ['KEY', 'ALIASES'],
        [
          [KEY, '-'],
          ['k2', 'alias/a,alias/b'],
        ],
      ),
    );
  });

  it('never wraps, however long the lines', () => {
    const text = renderTable(HEADERS, ROWS);
    expect(text.split('\n')).toHaveLength(ROWS.length + 2);
  });
});

describe('renderTable on a terminal', () => {
  it('fits the width by wrapping the long cells inside their own column, words whole', () => {
    const text = renderTable(HEADERS, ROWS, { width: 132 });
    const lines = text.trimEnd().split('\n');
    expect(Math.max(...lines.map(visibleLength))).toBeLessThanOrEqual(132);
    expect(lines.length).toBeGreaterThan(ROWS.length + 1); // something wrapped
    expectWordsWhole(text, ROWS);
    // a wrapped cell continues in its own column: the continuation starts where REASON starts
    const reasonAt = lines[0]!.indexOf('REASON');
    const continuation = lines.find((l) => l.startsWith(' ') && l.trim() !== '')!;
    expect(continuation.search(/\S/)).toBeGreaterThanOrEqual(lines[0]!.indexOf('STATE'));
    expect(reasonAt).toBeGreaterThan(0);
  });

  it('is what cli-table3 draws for the whole table (rows that need no wrapping are padded without it)', () => {
    const style = createStyle(true);
    const rows = [
      ...ROWS,
      [
        'apply',
        'kscli-kms-key-pending-deletion-use',
        'PutMetricAlarm',
        '',
        style.warn('create alarm (no SNS action: pass --sns-topic-arn to be notified)'),
      ],
      ['skip', 'k', 'X', '', 'short'],
    ];
    const widths = fitColumns(HEADERS, rows, 132)!;
    const chars = Object.fromEntries(
      [
        'top',
        'top-mid',
        'top-left',
        'top-right',
        'bottom',
        'bottom-mid',
        'bottom-left',
        'bottom-right',
        'left',
        'left-mid',
        'mid',
        'mid-mid',
        'right',
        'right-mid',
      ].map((k) => [k, '']),
    );
    const whole = new Table({
      head: HEADERS,
      chars: { ...chars, middle: '  ' },
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
      colWidths: widths,
      wordWrap: true,
      wrapOnWordBoundary: true,
    });
    for (const r of rows) whole.push(r);
    const expected =
      whole
        .toString()
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n') + '\n';
    expect(renderTable(HEADERS, rows, { width: 132 })).toBe(expected);
    expect(expected.split('\n').length).toBeGreaterThan(rows.length + 2); // some rows wrapped
  });

  it('keeps the natural layout when it fits', () => {
    expect(renderTable(HEADERS, ROWS, { width: 400 })).toBe(renderTable(HEADERS, ROWS));
  });

  it('gives a column at least its longest word: an ARN is never broken', () => {
    const widths = fitColumns(['ARN', 'NOTE'], [[ARN, 'a b c d e f g h i j k l m n o p']], 100)!;
    expect(widths[0]).toBe(ARN.length);
    expect(widths[0]! + 2 + widths[1]!).toBeLessThanOrEqual(100);
  });

  it('below the narrowest table, one record per row: head columns first, the rest labelled and indented', () => {
    const style = createStyle(true);
    const rows = ROWS.map((r) => [r[0] === 'apply' ? style.ok('apply') : style.warn('skip'), ...r.slice(1)]);
    const text = renderTable(HEADERS, rows, { width: 80, record: { head: [0, 1, 2] } });
    const lines = stripAnsi(text).trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(new RegExp(`^apply\\s+${KEY}\\s+ScheduleKeyDeletion$`));
    expect(lines[1]).toBe(`    state: Enabled ${ALIAS}`);
    expect(lines[2]).toMatch(/^ {4}reason: schedule deletion in 30 days/);
    // the head columns line up from record to record
    const second = lines.find((l) => l.startsWith('skip'))!;
    expect(second.indexOf('9a8b7c6d')).toBe(lines[0]!.indexOf(KEY));
    expectWordsWhole(text, ROWS);
  });

  it('flow records put several short fields on one line', () => {
    const text = renderTable(['KEY', 'STATE', 'CALLERS', 'NOTE'], [[KEY, 'Enabled', '3', 'x '.repeat(30) + ARN]], {
      width: 90,
      record: { flow: true },
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(KEY);
    expect(lines[1]).toBe('    state: Enabled  callers: 3');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(90);
    expect(lines.some((l) => l.trim() === ARN)).toBe(true);
  });
});

describe('wrapWords and fitText', () => {
  it('breaks at spaces only, keeps runs of spaces, indents continuations', () => {
    expect(wrapWords('  verdict:       in use since yesterday by the batch role', 30, '                 ')).toEqual([
      '  verdict:       in use since',
      '                 yesterday by',
      '                 the batch',
      '                 role',
    ]);
  });

  it('leaves a word longer than the width whole on its own line', () => {
    expect(wrapWords(`see ${ARN} now`, 20)).toEqual(['see', ARN, 'now']);
  });

  it('hangs continuation lines under a label value, else two spaces deeper', () => {
    const out = fitText(
      `  callers:       ${'arn:aws:iam::111122223333:role/app-backend (1), '.repeat(3)}\nplain ${'word '.repeat(20)}`,
      60,
    ).split('\n');
    for (const l of out) expect(l.length).toBeLessThanOrEqual(60);
    expect(out[1]).toMatch(/^ {17}\S/);
    expect(out[2]).toMatch(/^ {17}\S/);
    expect(out.find((l) => l.startsWith('  word'))).toBeDefined();
  });
});

describe('fitStatus (a status line redrawn in place)', () => {
  it('cuts at a space, words whole, and says it goes on', async () => {
    const { fitStatus } = await import('../../../src/ui/progress.js');
    const line = 'Logs Insights Running, 87 records scanned (83.6 KB) on aws-cloudtrail-logs-111122223333';
    expect(fitStatus(line, 200)).toBe(line);
    expect(fitStatus(line, 79)).toBe('Logs Insights Running, 87 records scanned (83.6 KB) on…');
    expect(fitStatus(line, 79).length).toBeLessThanOrEqual(79);
  });
});
