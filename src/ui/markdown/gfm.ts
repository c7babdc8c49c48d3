/**
 * GitHub-flavoured Markdown building blocks for the review documents (issue 9): plain GFM, no
 * HTML, so the text renders the same on GitHub, GitLab, Jira/Confluence's Markdown import and in
 * ticket systems that show Markdown as text. Everything that comes from AWS (key descriptions,
 * alias names, error messages) goes through `cell` / `text`, which escape Markdown's punctuation:
 * a pipe would break the table, and `<`, `*`, `_` or backticks would turn data into markup.
 */

/**
 * Markdown punctuation that can start markup or inline HTML, backslash-escaped (GFM allows it for
 * any ASCII punctuation). An underscore inside a word (AWS_CLOUDHSM) starts no emphasis in GFM and
 * stays as it is, so the raw text stays readable in ticket systems that show Markdown as text.
 */
const SPECIAL = /[\\`*[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;

/** Free text on one line, escaped. */
export function text(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(SPECIAL, (c) => `\\${c}`);
}

/** A table cell: escaped text on one line, never empty (an empty cell reads as a missing one). */
export function cell(s: string | undefined | null): string {
  const t = s === undefined || s === null || s === '' ? '-' : text(s);
  return t;
}

/** An identifier as inline code: IDs and ARNs stay copyable and are not read as markup. */
export function code(s: string): string {
  const clean = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const ticks = clean.includes('`') ? '``' : '`';
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${clean}${pad}${ticks}`;
}

export function heading(level: 1 | 2 | 3, title: string): string {
  return `${'#'.repeat(level)} ${title}\n`;
}

/** A GFM table; every row must have one cell per header (cells are passed already escaped). */
export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

/** A bulleted list of already-escaped items. */
export function bullets(items: string[]): string {
  return items.map((i) => `- ${i}`).join('\n') + '\n';
}

export const bold = (s: string): string => `**${s}**`;

/** A date as the review reads it: "2026-12-30 14:00 UTC". */
export function utc(iso: string | Date): string {
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
