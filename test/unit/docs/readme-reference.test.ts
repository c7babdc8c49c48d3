/**
 * Issue 23: `--help` and the README say the same thing. The help text is what the program is; the
 * README's command reference is tested against it, both ways, and names what is missing:
 * - every command in `kscli --help` has a README section (a heading naming `kscli <command>`), and
 *   every command a README heading names exists;
 * - every flag in `kscli <command> --help` appears in its README section, and every flag the
 *   section's heading or its `kscli <command> ...` lines give that command is one it has;
 * - the global options in `kscli --help` are the rows of the README's "Global options" table;
 * - the exit-code table of `kscli --help` equals the README's "Exit codes" table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli.js';
import { memoryIO } from '../../../src/ui/io.js';

const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');

async function help(...words: string[]): Promise<string> {
  const io = memoryIO();
  expect(await run([...words, '--help'], { io, env: {} }), words.join(' ')).toBe(0);
  return io.stdout();
}

/** The lines of one block of commander's help ("Options:", "Commands:"), up to the next blank line. */
function block(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The long flags (or short, when there is no long) an Options block lists; --help itself left out. */
const flagsOf = (text: string) =>
  block(text, 'Options')
    .map((l) => /^ {2}(?:-\w, )?(--?[\w-]+)/.exec(l)?.[1])
    .filter((f): f is string => f !== undefined && f !== '--help' && f !== '-h');

const commandsOf = (text: string) =>
  block(text, 'Commands')
    .map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');

interface Section {
  heading: string;
  body: string;
}

/** README sections: each heading with the text up to the next heading of the same or a higher level. */
function sections(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const out: Section[] = [];
  let fenced = false;
  const headings: { at: number; level: number }[] = [];
  lines.forEach((l, at) => {
    if (l.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^(#{2,6}) /.exec(l);
    if (m) headings.push({ at, level: m[1]!.length });
  });
  for (const [i, h] of headings.entries()) {
    const next = headings.slice(i + 1).find((n) => n.level <= h.level);
    out.push({ heading: lines[h.at]!, body: lines.slice(h.at, next?.at).join('\n') });
  }
  return out;
}

const README_SECTIONS = sections(README);
/** `kscli <command>` as a heading names it: the command word right after `kscli`. */
const namedIn = (heading: string) => [...heading.matchAll(/`kscli ([a-z][\w-]*)/g)].map((m) => m[1]!);
const sectionsOf = (command: string) => README_SECTIONS.filter((s) => namedIn(s.heading).includes(command));
/** the flags a README text gives `kscli <command>`: on the command's own lines (code lines, code spans) */
function flagsGiven(text: string, command: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(new RegExp(`kscli ${command}\\b([^\`\\n]*)`, 'g')))
    for (const f of m[1]!.matchAll(/(?<![\w-])(--[a-z][\w-]*)/g)) found.push(f[1]!);
  return found;
}

/** A table of a README section: its first column (without the code quotes) and the rest of the row. */
function table(heading: string): [string, string][] {
  const section = README_SECTIONS.find((s) => s.heading === heading);
  expect(section, heading).toBeDefined();
  return section!.body
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !/^\|[-| ]+\|$/.test(l))
    .slice(1) // the header row
    .map((l) => {
      // an escaped \| inside a cell is part of the cell, not a column break
      const cells = l.split(/(?<!\\)\|/).slice(1, -1);
      const clean = (c: string) => c.replace(/\\\|/g, '|').replace(/`/g, '').trim();
      return [clean(cells[0]!), clean(cells.slice(1).join('|'))];
    });
}

describe('the README command reference and --help (issue 23)', async () => {
  const root = await help();
  const globalFlags = flagsOf(root);
  const commands = commandsOf(root);
  /** each command's path and its own flags, subcommands (sandbox serve ...) included */
  const helps: { path: string[]; flags: string[] }[] = [];
  for (const c of commands) {
    const text = await help(c);
    helps.push({ path: [c], flags: flagsOf(text).filter((f) => !globalFlags.includes(f)) });
    for (const sub of commandsOf(text))
      helps.push({ path: [c, sub], flags: flagsOf(await help(c, sub)).filter((f) => !globalFlags.includes(f)) });
  }

  it('reads the help it compares (the parsing works)', () => {
    expect(commands).toEqual(expect.arrayContaining(['stores', 'usage', 'delete-store', 'sandbox', 'apply']));
    expect(globalFlags).toEqual(expect.arrayContaining(['--region', '--output', '--sandbox', '--yes']));
    expect(helps.find((h) => h.path.join(' ') === 'usage')?.flags).toContain('--evidence');
    expect(helps.find((h) => h.path.join(' ') === 'sandbox serve')?.flags).toContain('--port');
  });

  it('every command in kscli --help has a README section, and every command a heading names exists', () => {
    const missing = commands.filter((c) => sectionsOf(c).length === 0);
    expect(missing, 'commands with no README heading naming `kscli <command>`').toEqual([]);
    const unknown = README_SECTIONS.flatMap((s) => namedIn(s.heading)).filter((c) => !commands.includes(c));
    expect(unknown, 'README headings naming a command kscli --help does not list').toEqual([]);
  });

  it("every flag in kscli <command> --help appears in the command's README section", () => {
    const missing = helps.flatMap(({ path, flags }) => {
      const text = sectionsOf(path[0]!)
        .map((s) => s.body)
        .join('\n');
      return flags
        .filter((f) => !new RegExp(`(?<![\\w-])${f}(?![\\w-])`).test(text))
        .map((f) => `kscli ${path.join(' ')} ${f}`);
    });
    expect(missing, 'flags in --help that the README reference does not mention').toEqual([]);
  });

  it('every flag the README gives a command (its heading, its `kscli <command> ...` lines) is one it has', () => {
    const wrong: string[] = [];
    for (const command of commands) {
      const own = new Set([
        ...globalFlags,
        '--help',
        '--version',
        ...helps.filter((h) => h.path[0] === command).flatMap((h) => h.flags),
      ]);
      // anywhere in the README: `kscli <command> --flag` must be a flag of that command
      for (const f of flagsGiven(README, command)) if (!own.has(f)) wrong.push(`kscli ${command} ${f}`);
    }
    expect([...new Set(wrong)], 'flags the README gives a command that its --help does not list').toEqual([]);
  });

  it('the global options in kscli --help are the rows of the README "Global options" table', () => {
    const rows = table('## Global options').map(
      ([option]) => /(--?[\w-]+)(?=[\s<]|$)/.exec(option.replace(/^-\w, /, ''))?.[1],
    );
    const inHelp = globalFlags.filter((f) => f !== '--version');
    expect(
      inHelp.filter((f) => !rows.includes(f)),
      'in kscli --help, not in the README table',
    ).toEqual([]);
    expect(
      rows.filter((f) => !f || !inHelp.includes(f)),
      'in the README table, not in kscli --help',
    ).toEqual([]);
  });

  it('the exit-code table of kscli --help equals the README "Exit codes" table', () => {
    const lines = root.slice(root.indexOf('Exit codes:')).split('\n').slice(1);
    const inHelp = lines
      .map((l) => /^ {2}(\d+) +(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.trim()]);
    expect(inHelp.length).toBeGreaterThan(5);
    expect(inHelp).toEqual(table('## Exit codes'));
  });
});
