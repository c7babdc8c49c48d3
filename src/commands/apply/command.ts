/**
 * kscli apply FILE [--max-age 72h] [--allow-other-caller]: apply a plan saved with --plan-out,
 * exactly as reviewed, or refuse (exit 3, nothing changed) naming every difference. The steps are
 * in run.ts. Exit codes are the command's own (0 done, 8 pending, 5 cancelled, 130 interrupted),
 * plus 2 for a file that is not the plan that was made (edited, not a plan) and 3 for a refusal.
 *
 * JSON (--output json): the mutating-command document of the plan's command (see
 * src/ui/render/plan-outcome.ts) plus "planFile": {"path", "digest"}; on a refusal:
 * {"command", "storeId", "account", "region", "outcome": "refused", "reasons": ["..."], "planFile": {...}}.
 */
import { defineCommand } from '../descriptor.js';
import { withDeps } from '../with-deps.js';

/** `--max-age` default: a plan approved on Friday can be applied on Monday, not next month. */
const DEFAULT_MAX_AGE = '72h';

interface ApplyFlags {
  maxAge: string;
  allowOtherCaller: boolean;
}

export default defineCommand({
  name: 'apply',
  summary:
    'apply a saved plan (from --plan-out) exactly as reviewed, or refuse and name every difference if AWS changed since',
  mutates: true,
  schemas: [{ schema: 'apply', usage: 'apply' }],
  // it runs another command's saved plan: that command's subject, lock, journal and prompt
  define(cmd, app) {
    cmd
      .argument('<file>', 'a plan file written by --plan-out')
      .description(
        'apply a saved plan (from --plan-out) exactly as reviewed, or refuse and name every difference if AWS changed since',
      )
      .option('--max-age <duration>', 'refuse a plan older than this, e.g. 72h, 3d, 90m', DEFAULT_MAX_AGE)
      .option('--allow-other-caller', 'apply a plan that another principal made (recorded in the journal)', false)
      .addHelpText(
        'after',
        `
Refused (exit 3, nothing changed) when the plan is blocked, older than --max-age, made in another
account or region or by another principal, or when anything it rests on changed in AWS: a key's
state or deletion date, a key added or gone, the store's connection, a usage verdict, the alarm.
A file edited after it was made is refused with exit 2. Otherwise the plan's apply items, and only
they, are carried out with the same confirmation (--yes), lock, journal and re-checks as the command.

Examples:
  kscli alarm cks-1234567890abcdef0 --yes    # schedule-deletion needs the alarm in place
  kscli schedule-deletion cks-1234567890abcdef0 --exclude-key 1234abcd-12ab-34cd-56ef-1234567890ab --exclude-key alias/reports-archive --plan-out change-1234.json --output markdown > change-1234.md
  kscli show change-1234.json
  kscli apply change-1234.json --yes --expected-account 111122223333
`,
      )
      .action(async (file: string, flags: ApplyFlags) => {
        // the file first: an edited or foreign file is refused before any AWS call
        const [{ parseMaxAge, readPlanFile }, { PLAN_COMMANDS }] = await Promise.all([
          import('../../workflow/plan-file/index.js'),
          import('../catalog.js'),
        ]);
        const plan = readPlanFile(file, PLAN_COMMANDS);
        const maxAgeMs = parseMaxAge(flags.maxAge);
        return withDeps(app, async (deps) => {
          // the plan runner and every command's spec load only when a plan is applied (--help stays light)
          const { runApply } = await import('./run.js');
          return runApply(deps, { file, plan, maxAgeMs, allowOtherCaller: Boolean(flags.allowOtherCaller) });
        });
      });
  },
});
