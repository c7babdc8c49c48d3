/**
 * The output of `kscli show FILE` (src/commands/show/command.ts): json is the plan file itself
 * (canonical, as written; schemas/plan-file.json), markdown the review document, table the plan
 * with the line that applies it. Reads no AWS: the apply line names the plan's own region.
 */
import type { App } from '../../app.js';
import { serializePlan } from '../../workflow/plan-file/seal.js';
import type { PlanFile } from '../../workflow/plan-file/document.js';
import { renderPlanMarkdown } from '../markdown/plan-review.js';
import { nextStepFor } from '../next-step.js';
import { createStyle } from '../style.js';
import { renderPlanFile } from './plan-file.js';

export function renderShow(app: Pick<App, 'io' | 'env' | 'globals'>, plan: PlanFile, file: string): void {
  const globals = app.globals();
  if (globals.output === 'json') app.io.out.write(serializePlan(plan));
  else if (globals.output === 'markdown') app.io.out.write(renderPlanMarkdown(plan, { file }));
  else {
    const next = nextStepFor({ globals, env: app.env, region: plan.region });
    app.io.out.write(renderPlanFile(plan, file, createStyle(globals.color), next));
  }
}
