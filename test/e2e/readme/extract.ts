/**
 * Reads README.md (or any Markdown text) into what the README test runs and compares:
 * - every ```sh block, split into the commands a reader would type (backslash continuations
 *   joined, comments dropped), each with the exit code the README gives it: a trailing comment that
 *   says `exit N` (e.g. `# exit 8: run again after the date it prints`), else 0;
 * - every ```text block (output the README calls real), tied to the command that prints it: the
 *   last inline `kscli ...` code span of the paragraph before it, "in N columns" for the width;
 * - every ```console block: `$ command` lines and the output printed under each (`...` elides lines).
 * An HTML comment right before a block (`<!-- readme-test: key=value key="value with spaces" -->`,
 * invisible on GitHub) gives what prose cannot: the block's context (`context=account:NAME`: the
 * reader's own AWS account, shared by blocks with the same NAME), a script's exit code (`exit=N`),
 * or an output block's command and width (`command="..." columns=80`).
 */

export interface ReadmeCommand {
  /** 1-based line in the Markdown file where the command starts */
  line: number;
  /** the command as the reader types it (continuations joined, trailing comment removed) */
  text: string;
  /** the trailing comment, if any */
  comment: string;
  expectedExit: number;
  /** ends in a single `&`: started in the background and left running for the rest of the block */
  background: boolean;
}

export interface Directives {
  [key: string]: string;
}

export interface ShellBlock {
  kind: 'sh';
  line: number;
  section: string;
  directives: Directives;
  commands: ReadmeCommand[];
  /** the whole block when it is a script (starts with `#!`): run as one file */
  script?: string;
}

export interface OutputBlock {
  kind: 'text';
  line: number;
  section: string;
  directives: Directives;
  /** the command that prints it, from the directive or the paragraph before */
  command?: string;
  columns?: number;
  body: string[];
}

export interface ConsoleStep {
  command: ReadmeCommand;
  output: string[];
}

export interface ConsoleBlock {
  kind: 'console';
  line: number;
  section: string;
  directives: Directives;
  steps: ConsoleStep[];
}

export type ReadmeBlock = ShellBlock | OutputBlock | ConsoleBlock;

const DIRECTIVE = /^<!--\s*readme-test:(.*?)-->\s*$/;

export function parseDirectives(text: string): Directives {
  const out: Directives = {};
  for (const m of text.matchAll(/([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\"/g, '"') : m[3]!;
  }
  return out;
}

/**
 * Splits a shell line at its trailing comment: a `#` at top level (outside quotes and `$(...)`)
 * that starts a word. Returns the command and the comment text (without `#`).
 */
export function splitComment(line: string): { command: string; comment: string } {
  let quote: '"' | "'" | null = null;
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\\') i += 1;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '#' && depth === 0 && (i === 0 || /\s/.test(line[i - 1]!))) {
      return { command: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
    }
  }
  return { command: line.trimEnd(), comment: '' };
}

/** The exit code a trailing comment documents ("exit 8", "exit code 3"), else 0. */
export function exitFromComment(comment: string): number {
  const m = /\bexit(?:s| code)? (\d+)\b/i.exec(comment);
  return m ? Number(m[1]) : 0;
}

function toCommand(line: number, raw: string): ReadmeCommand {
  const { command, comment } = splitComment(raw);
  const background = /(^|[^&])&$/.test(command);
  return {
    line,
    text: background ? command.slice(0, -1).trimEnd() : command,
    comment,
    expectedExit: exitFromComment(comment),
    background,
  };
}

/** The commands of a ```sh block: continuation lines joined, blank and comment-only lines dropped. */
export function shellCommands(lines: string[], firstLine: number): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const start = i;
    let text = lines[i]!;
    while (/\\$/.test(text) && i + 1 < lines.length) {
      i += 1;
      text = `${text.slice(0, -1).trimEnd()} ${lines[i]!.trimStart()}`;
    }
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    out.push(toCommand(firstLine + start, text.trim()));
  }
  return out;
}

function consoleSteps(lines: string[], firstLine: number): ConsoleStep[] {
  const steps: ConsoleStep[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('$ ')) steps.push({ command: toCommand(firstLine + i, l.slice(2)), output: [] });
    else steps.at(-1)?.output.push(l);
  });
  return steps;
}

/** The paragraph of prose right before line `index` (blank lines and directives skipped). */
function paragraphBefore(lines: string[], index: number): string {
  let i = index - 1;
  while (i >= 0 && (lines[i]!.trim() === '' || DIRECTIVE.test(lines[i]!))) i -= 1;
  const para: string[] = [];
  while (i >= 0 && lines[i]!.trim() !== '' && !lines[i]!.startsWith('```')) {
    para.unshift(lines[i]!);
    i -= 1;
  }
  return para.join(' ');
}

function directivesBefore(lines: string[], index: number): Directives {
  let i = index - 1;
  while (i >= 0 && lines[i]!.trim() === '') i -= 1;
  const m = i >= 0 ? DIRECTIVE.exec(lines[i]!) : null;
  return m ? parseDirectives(m[1]!) : {};
}

export function extractBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i += 1) {
    const l = lines[i]!;
    if (/^#{1,6} /.test(l)) section = l.replace(/^#+ /, '');
    const fence = /^```(\w*)\s*$/.exec(l);
    if (!fence) continue;
    const lang = fence[1]!;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !lines[i]!.startsWith('```'); i += 1) body.push(lines[i]!);
    const line = start + 1;
    const directives = directivesBefore(lines, start);
    if (lang === 'sh') {
      const block: ShellBlock = { kind: 'sh', line, section, directives, commands: shellCommands(body, line + 1) };
      if (body[0]?.startsWith('#!')) block.script = `${body.join('\n')}\n`;
      blocks.push(block);
    } else if (lang === 'text') {
      const para = paragraphBefore(lines, start);
      const spans = [...para.matchAll(/`((?:npx )?kscli [^`]+)`/g)].map((m) => m[1]!);
      const cols = directives.columns ?? /in (\d+) columns/.exec(para)?.[1];
      blocks.push({
        kind: 'text',
        line,
        section,
        directives,
        command: directives.command ?? spans.at(-1),
        columns: cols ? Number(cols) : undefined,
        body,
      });
    } else if (lang === 'console') {
      blocks.push({ kind: 'console', line, section, directives, steps: consoleSteps(body, line + 1) });
    }
  }
  return blocks;
}

/** The `Example:` / `Examples:` lines of a `--help` text (indented commands after that heading). */
export function helpExamples(help: string): string[] {
  const lines = help.split('\n');
  const at = lines.findIndex((l) => /^Examples?:\s*$/.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s+\S/.test(l)) break;
    out.push(l.trim());
  }
  return out;
}
