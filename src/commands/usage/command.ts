/**
 * kscli usage <storeId> [--key K...] [--days N] [--unused-days N]: the evidence of each key's use
 * and a verdict (issue 3; rules in src/workflow/evidence/verdict.ts). Read-only.
 * Parse -> run (./run.ts) -> render (src/ui/render/usage.ts, which documents the JSON).
 */
import { defineCommand } from '../descriptor.js';
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../input/validate.js';
import {
  daysOption,
  evidenceOption,
  keyOption,
  logGroupArnOption,
  logGroupOption,
  parseEvidenceSourceFlags,
  parseKeyFlags,
  parseUnusedDaysFlag,
  storeIdArgument,
  unusedDaysOption,
  type EvidenceSourceFlags,
} from '../shared-flags.js';
import { withDeps } from '../with-deps.js';
import { configAggregatorOption, dependentsOption } from '../dependents-flags.js';

export interface UsageFlags extends EvidenceSourceFlags {
  key: string[];
  logGroup?: string;
  unusedDays?: string;
  details: boolean;
}

export default defineCommand({
  name: 'usage',
  summary:
    "show the evidence of each key's use (GetKeyLastUsage, CloudTrail, key policy, grants, aliases) and a verdict: in-use, unused or unknown",
  mutates: false,
  schemas: [{ schema: 'usage', usage: 'usage' }],
  formats: ['markdown'],
  define(cmd, app) {
    cmd
      .addArgument(storeIdArgument())
      .description(
        "show the evidence of each key's use (GetKeyLastUsage, CloudTrail, key policy, grants, aliases) and a verdict: in-use, unused or unknown",
      )
      .addOption(keyOption('only this key of the store (repeatable); default: every key of the store'))
      .addOption(daysOption())
      .addOption(
        unusedDaysOption(
          'a key with no use (nor failed attempt) for this many days is unused (default 90, or --days when larger)',
        ),
      )
      .addOption(evidenceOption())
      .addOption(logGroupOption('the CloudTrail log group (of a trail of this account) to query for evidence'))
      .addOption(logGroupArnOption())
      .addOption(dependentsOption())
      .addOption(configAggregatorOption())
      .option(
        '--details',
        'show the evidence of every key (default: only of the keys that need a decision, in-use and unknown)',
        false,
      )
      .addHelpText(
        'after',
        `
Evidence sources (--evidence):
  auto     the trail's CloudWatch Logs log group, through one Logs Insights query for every key,
           when a trail that records KMS read events has delivered to it for the whole window and
           its retention reaches back that far; the per-key APIs for the part it does not cover
           (the usage line says "joined by --evidence auto"); the per-key APIs alone when no log
           group can be trusted or the query fails (a warning says why). The default.
  logs     the log group alone: a part of the window it does not cover is a gap (keys that must
           be covered there are unknown, the reason names the part and the runs that decide
           them); refuse (exit 3) when none can be trusted; exit 1 when the query fails
  api      GetKeyLastUsage and CloudTrail LookupEvents per key (90 days at most)
  --days may exceed 90 where the log group keeps events that long; each verdict line states the
  dates and the source actually searched. Ctrl-C stops the running queries (StopQuery).

Data at rest (--dependents, issue 19):
  auto     AWS Config advanced queries for the resource types its recorder records, direct reads
           (S3, EBS, RDS, DynamoDB, AWS Backup, Secrets Manager, CloudWatch Logs, SSM) for the rest
  config   AWS Config only; direct  the direct reads only; off  not searched
  --config-aggregator NAME queries the organization through that aggregator (resources in other
  accounts encrypted under these keys). S3 objects under a key other than their bucket's default
  need S3 Inventory reports: "none found" says nothing about them.

Verdicts:
  protects-data  resources are encrypted under the key: deleting it destroys their data
  in-use   successful cryptographic use in the last --unused-days, or failed attempts in that period
           (a caller getting "is disabled" errors still depends on the key)
  unused   none, and the evidence covers that whole period
  unknown  the evidence has a gap: access denied, API unavailable, the key is older than both
           GetKeyLastUsage's tracking start and the CloudTrail window, or a resource type that
           may hold data under it could not be searched
  Inactivity is a review signal, not proof. schedule-deletion and delete-store refuse in-use keys
  (unless --allow-in-use), unknown ones (unless --allow-unknown-usage) and keys that protect data
  (unless --allow-data-loss).

Examples:
  kscli usage cks-1234567890abcdef0
  kscli usage cks-1234567890abcdef0 --key 1234abcd-12ab-34cd-56ef-1234567890ab --days 30
  kscli usage cks-1234567890abcdef0 --output json > usage-evidence.json
  kscli usage cks-1234567890abcdef0 --days 400 --evidence logs
  kscli usage cks-1234567890abcdef0 --log-group-arn arn:aws:logs:us-east-1:999988887777:log-group:org-trail
`,
      )
      .action((storeIdInput: string, flags: UsageFlags) => {
        const storeId = validateStoreId(storeIdInput);
        const source = parseEvidenceSourceFlags(flags);
        const days = source.days ?? 90;
        // a window beyond 90 days is asked for to find rare use: use anywhere in it must count
        const unusedDays = parseUnusedDaysFlag(flags.unusedDays) ?? Math.max(90, days);
        const logGroup = source.logGroupArn ?? flags.logGroup;
        return withDeps(app, async (deps) => {
          const { include } = parseKeyFlags(flags, deps.region);
          const [{ runUsage }, { usageRendererWith }] = await Promise.all([
            import('./run.js'),
            import('../../ui/render/usage.js'),
          ]);
          const result = await runUsage(deps, {
            storeId,
            include,
            days,
            unusedDays,
            evidence: source.evidence,
            ...(logGroup ? { logGroup } : {}),
            dependents: source.dependents,
            ...(source.configAggregator ? { configAggregator: source.configAggregator } : {}),
          });
          // the review document names what the store's cluster costs: the decision at hand
          if (deps.globals.output === 'markdown' && result.store.clusterId)
            result.clusterCost = await (
              await import('../../workflow/cost/usage-cost.js')
            ).clusterCostOf(deps.aws, result.store.clusterId);
          renderResult(deps, usageRendererWith({ details: flags.details }), result);
          return 0;
        });
      });
  },
});
