/**
 * kscli usage <storeId> [--key K...] [--days N] [--unused-days N]: the evidence of each key's use
 * and a verdict (issue 3; rules in src/workflow/evidence/verdict.ts). Read-only.
 * Parse -> run (./run.ts) -> render (src/ui/render/usage.ts, which documents the JSON).
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../workflow/validate.js';
import { daysOption, keyOption, parseDaysFlag, parseKeyFlags, parseUnusedDaysFlag, storeIdArgument, unusedDaysOption } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';

export interface UsageFlags {
  key: string[];
  days?: string;
  unusedDays?: string;
}

export const usageCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('usage')
      .addArgument(storeIdArgument())
      .description('show the evidence of each key\'s use (GetKeyLastUsage, CloudTrail, key policy, grants, aliases) and a verdict: in-use, unused or unknown')
      .addOption(keyOption('only this key of the store (repeatable); default: every key of the store'))
      .addOption(daysOption('CloudTrail event history to examine, in days (default and maximum 90)'))
      .addOption(unusedDaysOption('a key with no use (nor failed attempt) for this many days is unused (default 90)'))
      .addHelpText(
        'after',
        `
Verdicts:
  in-use   successful cryptographic use in the last --unused-days, or failed attempts in that period
           (a caller getting "is disabled" errors still depends on the key)
  unused   none, and the evidence covers that whole period
  unknown  the evidence has a gap: access denied, API unavailable, or the key is older than both
           GetKeyLastUsage's tracking start and the CloudTrail window
  Inactivity is a review signal, not proof. schedule-deletion and delete-store refuse in-use keys
  (unless --allow-in-use) and unknown ones (unless --allow-unknown-usage).

Examples:
  kscli usage cks-1234567890abcdef0
  kscli usage cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --days 30
  kscli usage cks-1234567890abcdef0 --output json > usage-evidence.json
`,
      )
      .action((storeIdInput: string, flags: UsageFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const days = parseDaysFlag(flags.days) ?? 90;
        const unusedDays = parseUnusedDaysFlag(flags.unusedDays) ?? 90;
        return withDeps(app, async (deps) => {
          const { include } = parseKeyFlags(flags, deps.region);
          const [{ runUsage }, { usageRenderer }] = await Promise.all([import('./run.js'), import('../../ui/render/usage.js')]);
          renderResult(deps, usageRenderer, await runUsage(deps, { storeId, include, days, unusedDays }));
          return 0;
        });
      });
  },
};
