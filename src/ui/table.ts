/**
 * Tables laid out to the terminal's width (issue 14), drawn by cli-table3 (it wraps each cell
 * inside its own column and keeps colours across the wrapped lines).
 *
 * - Not a terminal (`width` undefined: pipes, files, tests): every column as wide as its widest
 *   cell, nothing wrapped, the last column unpadded, two spaces between columns. This layout is
 *   stable: scripts and tests read it.
 * - A terminal: the table never exceeds `width`. Cells wrap at spaces inside their own column;
 *   a word is never broken, because the words in these tables are key IDs, ARNs, aliases and
 *   store IDs, which an operator copies and compares character by character. A column is therefore
 *   never narrower than its longest word.
 * - When even the narrowest columns cannot fit, the table becomes one record per row: the `head`
 *   columns on the first line, the other cells indented under it, each named by its header.
 */
import Table from 'cli-table3';
import { visibleLength, wrapWords } from './wrap.js';

export interface TableOptions {
  /** the terminal's columns; undefined when the output is not a terminal (no wrapping at all) */
  width?: number;
  /** how a row reads when the table cannot fit `width` */
  record?: {
    /** the columns on a record's first line (default: the first column) */
    head?: number[];
    /** the other cells share lines when they fit (default: one line per cell) */
    flow?: boolean;
  };
}

/** Two spaces between columns, as the unwrapped layout always had. */
const GAP = 2;

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' '.repeat(GAP),
};

const longestWord = (cell: string): number =>
  cell.includes(' ') || cell.includes('\n')
    ? Math.max(0, ...cell.split(/\s+/).map(visibleLength))
    : visibleLength(cell);
const longestLine = (cell: string): number =>
  cell.includes('\n') ? Math.max(0, ...cell.split('\n').map(visibleLength)) : visibleLength(cell);

/** The largest value of `f` over the rows' cells of column `i` (a loop: spreading 100,000 values overflows the stack). */
function columnMax(rows: string[][], i: number, f: (cell: string) => number, start: number): number {
  let max = start;
  for (const r of rows) max = Math.max(max, f(r[i] ?? ''));
  return max;
}

/**
 * Column widths within `width`, or undefined when the narrowest layout does not fit. Each column
 * starts at its longest word (or its header, if longer); the room left goes to the columns that wrap, in proportion to how
 * much each still lacks, so short columns stay whole and the long text columns share the rest.
 */
export function fitColumns(headers: string[], rows: string[][], width: number | undefined): number[] | undefined {
  const natural = headers.map((h, i) => columnMax(rows, i, longestLine, Math.max(1, longestLine(h))));
  if (width === undefined) return natural;
  const gaps = GAP * (headers.length - 1);
  if (natural.reduce((a, b) => a + b, 0) + gaps <= width) return natural;
  // a header stays on one line: a table whose headers would wrap reads worse than records
  const min = headers.map((h, i) => columnMax(rows, i, longestWord, visibleLength(h)));
  let room = width - gaps - min.reduce((a, b) => a + b, 0);
  if (room < 0) return undefined;
  const widths = [...min];
  // hand the room out a share at a time: proportional shares, then the rounding remainder
  while (room > 0) {
    const lacking = widths.map((w, i) => natural[i]! - w);
    const total = lacking.reduce((a, b) => a + Math.max(0, b), 0);
    if (total === 0) break;
    let given = 0;
    for (let i = 0; i < widths.length; i++) {
      const share = Math.min(lacking[i]!, Math.floor((room * Math.max(0, lacking[i]!)) / total));
      widths[i]! += share;
      given += share;
    }
    if (given === 0) {
      const i = lacking.indexOf(Math.max(...lacking));
      widths[i]! += 1;
      given = 1;
    }
    room -= given;
  }
  return widths;
}

/** cli-table3 with no border: columns two spaces apart, cells wrapped at spaces inside their column. */
function libraryTable(widths: number[], rows: string[][]): string {
  const table = new Table({
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const r of rows) table.push(r);
  return table.toString();
}

/**
 * The table, one row at a time. A row whose cells all fit their columns is one line, padded here;
 * only a row that wraps is drawn by cli-table3. Without a border the rows are independent, so this
 * is exactly cli-table3's output for the whole table, in linear time: cli-table3 costs about a
 * millisecond per row, which for the 10,000 keys of a large store would be seconds of waiting.
 */
function drawTable(headers: string[], rows: string[][], widths: number[]): string {
  const lines: string[] = [];
  for (const row of [headers, ...rows]) {
    const cells = headers.map((_, i) => row[i] ?? '');
    const fits = cells.every((c, i) => !c.includes('\n') && visibleLength(c) <= widths[i]!);
    const text = fits
      ? cells.map((c, i) => c + ' '.repeat(widths[i]! - visibleLength(c))).join(' '.repeat(GAP))
      : libraryTable(widths, [cells]);
    // the last column is not padded: lines end where their text ends
    for (const l of text.split('\n')) lines.push(l.trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** One record per row, for a terminal too narrow for the table. */
function drawRecords(
  headers: string[],
  rows: string[][],
  width: number,
  opts: NonNullable<TableOptions['record']>,
): string {
  const head = opts.head ?? [0];
  const indent = '    ';
  const out: string[] = [];
  // the first lines line up as columns when they fit (statuses of different lengths, say)
  const headWidths = head.map((i) => columnMax(rows, i, longestLine, 0));
  const aligned = headWidths.reduce((x, y) => x + y, 0) + GAP * (head.length - 1) <= width;
  const pad = (cell: string, j: number) =>
    aligned && j < head.length - 1 ? cell + ' '.repeat(headWidths[j]! - visibleLength(cell)) : cell;
  for (const r of rows) {
    const first = head
      .map((i, j) => pad((r[i] ?? '').replace(/\n/g, ' '), j))
      .filter((c) => c.trim() !== '')
      .join('  ')
      .trimEnd();
    out.push(...wrapWords(first, width, indent));
    const fields = headers
      .map((h, i) => ({ label: h.toLowerCase(), value: (r[i] ?? '').replace(/\n/g, ' ') }))
      .filter((f, i) => !head.includes(i) && f.value !== '' && f.value !== '-')
      .map((f) => `${f.label}: ${f.value}`);
    if (opts.flow) {
      let line = '';
      for (const f of fields) {
        if (line && visibleLength(line) + GAP + visibleLength(f) <= width - indent.length) line += `  ${f}`;
        else {
          if (line) out.push(...wrapWords(indent + line, width, indent + '  '));
          line = f;
        }
      }
      if (line) out.push(...wrapWords(indent + line, width, indent + '  '));
    } else {
      for (const f of fields) out.push(...wrapWords(indent + f, width, indent + '  '));
    }
  }
  return out.join('\n') + '\n';
}

/**
 * The one table renderer of kscli. `rows` cells may hold ANSI colours (measured without them) and
 * newlines (a cell of several lines). Returns the text, ending with a newline.
 */
export function renderTable(headers: string[], rows: string[][], opts: TableOptions = {}): string {
  const widths = fitColumns(headers, rows, opts.width);
  if (!widths) return drawRecords(headers, rows, opts.width!, opts.record ?? {});
  return drawTable(headers, rows, widths);
}
