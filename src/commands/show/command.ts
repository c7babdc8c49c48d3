/**
 * kscli show FILE [--output table|json|markdown]: a saved plan (issue 9), verified against its
 * digest (a file edited after it was made is refused, exit 2), rendered for review. Reads no AWS.
 *
 * JSON (--output json): the plan document itself (see src/workflow/plan-file/document.ts), verified.
 */
import { defineCommand } from '../descriptor.js';
import { ExitCode } from '../../errors.js';

export default defineCommand({
  name: 'show',
  summary: 'show a saved plan (from --plan-out) as a table, JSON or Markdown, after verifying its digest',
  mutates: false,
  schemas: [{ schema: 'plan-file', usage: 'show' }],
  formats: ['markdown'],
  define(cmd, app) {
    cmd
      .argument('<file>', 'a plan file written by --plan-out')
      .description('show a saved plan (from --plan-out) as a table, JSON or Markdown, after verifying its digest')
      .addHelpText(
        'after',
        '\nExamples:\n  kscli disconnect-store cks-0987654321fedcba0 --plan-out change-1234.json\n  kscli show change-1234.json\n  kscli show change-1234.json --output markdown > change-1234.md\n',
      )
      .action(async (file: string) => {
        // loaded when the command runs, not for --help
        const [
          { readPlanFile, serializePlan },
          { renderPlanMarkdown },
          { renderPlanFile },
          { createStyle },
          catalog,
          { nextStepFor },
        ] = await Promise.all([
          import('../../workflow/plan-file/index.js'),
          import('../../ui/markdown/plan-review.js'),
          import('../../ui/render/plan-file.js'),
          import('../../ui/style.js'),
          import('../catalog.js'),
          import('../../ui/next-step.js'),
        ]);
        const globals = app.globals();
        const plan = readPlanFile(file, catalog.PLAN_COMMANDS);
        if (globals.output === 'json') app.io.out.write(serializePlan(plan));
        else if (globals.output === 'markdown') app.io.out.write(renderPlanMarkdown(plan, { file }));
        // show reads nothing from AWS: the apply line names the plan's own region
        else {
          const next = nextStepFor({ globals, env: app.env, region: plan.region });
          app.io.out.write(renderPlanFile(plan, file, createStyle(globals.color), next));
        }
        app.setExitCode(ExitCode.Ok);
      });
  },
});
