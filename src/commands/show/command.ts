/**
 * kscli show FILE [--output table|json|markdown]: a saved plan (issue 9), verified against its
 * digest (a file edited after it was made is refused, exit 2), rendered for review. Reads no AWS.
 *
 * Output: src/ui/render/show.ts (JSON: the plan file itself, schemas/plan-file.json).
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
        const [{ readPlanFile }, { renderShow }, { PLAN_COMMANDS }] = await Promise.all([
          import('../../workflow/plan-file/read.js'),
          import('../../ui/render/show.js'),
          import('../catalog.js'),
        ]);
        renderShow(app, readPlanFile(file, PLAN_COMMANDS), file);
        app.setExitCode(ExitCode.Ok);
      });
  },
});
