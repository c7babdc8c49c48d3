/**
 * How a command's typed result reaches stdout: one renderer per command and output format
 * (src/ui/render/<verb>.ts). `--output json` prints ONE document (ui/json.ts adds schemaVersion);
 * `--output table` prints text for a person. A new output format is one more method here and in
 * each renderer that supports it.
 */
import type { OutputFormat } from '../../app.js';
import type { Deps } from '../../deps.js';
import type { Writable } from '../io.js';
import { writeJson } from '../json.js';
import type { Style } from '../style.js';

/**
 * Where table output is shown (issue 14): the terminal's width, which tables and text are laid out
 * to (undefined when stdout is not a terminal: the stable unwrapped layout), and the moment that
 * relative dates ("in 5 days") count from.
 */
export interface TableLayout {
  width?: number;
  now?: Date;
}

/** What a table renderer may use besides the result. */
export interface TableContext extends TableLayout {
  style: Style;
}

/** The table context of this run: its palette, stdout's width, and its clock's now. */
export function tableContext(deps: Pick<Deps, 'io' | 'style'> & Partial<Pick<Deps, 'clock'>>): TableContext {
  return { style: deps.style, width: deps.io.columns, now: deps.clock?.now() ?? new Date() };
}

export interface Renderer<R> {
  /** the --output json document (without schemaVersion, which writeJson adds) */
  json(result: R): object;
  /** the --output table text, ending with a newline */
  table(result: R, ctx: TableContext): string;
  /** --output csv, for the commands that offer it (withDeps refuses it for the others) */
  csv?(result: R): string;
  /** --output markdown, for the commands that offer it */
  markdown?(result: R): string;
}

export function render<R>(
  out: Writable,
  format: OutputFormat,
  ctx: TableContext,
  renderer: Renderer<R>,
  result: R,
): void {
  if (format === 'json') writeJson(out, renderer.json(result) as Record<string, unknown>);
  // cli.ts refuses a format the command does not offer (exit 2)
  else if (format === 'csv' && renderer.csv) out.write(renderer.csv(result));
  else if (format === 'markdown' && renderer.markdown) out.write(renderer.markdown(result));
  else out.write(renderer.table(result, ctx));
}

/** Renders a command's result in the --output format of this run. */
export function renderResult<R>(
  deps: Pick<Deps, 'io' | 'globals' | 'style'> & Partial<Pick<Deps, 'clock'>>,
  renderer: Renderer<R>,
  result: R,
): void {
  render(deps.io.out, deps.globals.output, tableContext(deps), renderer, result);
}
