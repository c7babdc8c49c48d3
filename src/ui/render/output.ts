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

/** What a table renderer may use besides the result. */
export interface TableContext {
  style: Style;
}

export interface Renderer<R> {
  /** the --output json document (without schemaVersion, which writeJson adds) */
  json(result: R): object;
  /** the --output table text, ending with a newline */
  table(result: R, ctx: TableContext): string;
  /** the --output markdown review document (issue 9), for the commands that have one */
  markdown?(result: R): string;
}

export function render<R>(out: Writable, format: OutputFormat, ctx: TableContext, renderer: Renderer<R>, result: R): void {
  if (format === 'json') writeJson(out, renderer.json(result) as Record<string, unknown>);
  // cli.ts refuses --output markdown for a command without a review document (exit 2)
  else if (format === 'markdown' && renderer.markdown) out.write(renderer.markdown(result));
  else out.write(renderer.table(result, ctx));
}

/** Renders a command's result in the --output format of this run. */
export function renderResult<R>(deps: Pick<Deps, 'io' | 'globals' | 'style'>, renderer: Renderer<R>, result: R): void {
  render(deps.io.out, deps.globals.output, { style: deps.style }, renderer, result);
}
