/**
 * kscli retire-cluster as a plan whose subject is a CloudHSM cluster (plan runner:
 * src/workflow/plan-runner/, SubjectPlanSpec): read the cluster (DescribeClusters; not found: exit
 * 3, or nothing to do when this journal shows kscli deleting it), then what the plan rests on (the
 * stores of every Region, the audit log, the backups, the HSM price), plan (src/workflow/
 * retire-cluster.ts), and end:
 *   - done: the HSMs are gone and DeleteCluster accepted (or --keep-cluster: the HSMs are gone);
 *   - pending (exit 8): an HSM is still DELETE_IN_PROGRESS after --wait-timeout, or with
 *     --delete-backups the HSM deletions took backups after the plan: run the same command again;
 *   - nothing to do: the cluster is DELETE_IN_PROGRESS or DELETED (and, with --delete-backups, no
 *     READY backup is left).
 */
import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import type { RegionSelection } from '../../workflow/estate/runner.js';
import { gatherRetireFacts, recheckFor } from '../../workflow/cluster/facts.js';
import { clusterObserver } from '../../workflow/cluster/observations.js';
import { HsmPriceBook, PRICING_REGION, priceSourceLine, formatUsd } from '../../workflow/cost/hsm-cost.js';
import type { CallEntry, Journal } from '../../workflow/journal.js';
import type { Finish, SubjectPlanSpec } from '../../workflow/plan-runner/index.js';
import {
  DELETE_CLUSTER,
  planRetireCluster,
  type RetireClusterFacts,
  type RetireClusterOptions,
  type RetireClusterPlan,
} from '../../workflow/retire-cluster.js';
import { storesReader } from './stores-reader.js';
import { nextStepIn } from '../../ui/next-step.js';
import type { PlanModule } from '../descriptor.js';
import { RetireClusterOptionsSchema } from './options.js';

/** The typed options (JSON values: a saved plan keeps them). */
export interface RetireClusterCommandOptions {
  clusterId: string;
  days: number;
  allowCryptoUsers: string[];
  allowAuditGap: boolean;
  keepCluster: boolean;
  deleteBackups: boolean;
  waitTimeoutMs: number;
  /** --regions as given (undefined: every enabled Region) */
  regions?: string[];
}

function workflowOptions(o: RetireClusterCommandOptions): RetireClusterOptions {
  return {
    days: o.days,
    allowCryptoUsers: o.allowCryptoUsers,
    allowAuditGap: o.allowAuditGap,
    keepCluster: o.keepCluster,
    deleteBackups: o.deleteBackups,
    waitTimeoutMs: o.waitTimeoutMs,
  };
}

function clusterLabel(f: Pick<RetireClusterFacts, 'cluster'>): string {
  return `${f.cluster.state}, ${f.cluster.hsms.length} HSM(s)`;
}

/** The cluster is gone and this journal shows kscli deleting it: nothing left to do (as delete-store). */
function alreadyDeleted(
  journal: Journal,
  clusterId: string,
  where: { account: string; region: string },
): Finish | undefined {
  const calls = journal.entries().filter((e): e is CallEntry => {
    const c = e as CallEntry;
    return (
      c.operation === DELETE_CLUSTER &&
      c.target === clusterId &&
      c.account === where.account &&
      c.region === where.region
    );
  });
  if (calls.length === 0) return undefined;
  return {
    outcome: 'nothing-to-do',
    exitCode: ExitCode.Ok,
    lines: [`cluster ${clusterId} is already deleted (journal: ${calls[0]!.time})`],
  };
}

export function retireClusterSpec(
  deps: Deps,
  o: RetireClusterCommandOptions,
): SubjectPlanSpec<RetireClusterPlan, undefined, RetireClusterFacts> {
  const opts = workflowOptions(o);
  const selection: RegionSelection = o.regions ? { mode: 'list', regions: o.regions } : { mode: 'all' };
  const book = new HsmPriceBook(() => deps.aws.pricing(PRICING_REGION));
  return {
    command: 'retire-cluster',
    subject: { kind: 'cluster', id: o.clusterId },
    selection: {
      days: o.days,
      allowCryptoUser: o.allowCryptoUsers,
      allowAuditGap: o.allowAuditGap,
      keepCluster: o.keepCluster,
      deleteBackups: o.deleteBackups,
      ...(o.regions ? { regions: o.regions } : {}),
    },
    async read(_deps, ctx, where) {
      const cluster = await ctx.aws.cloudhsm(ctx.region).describeCluster(o.clusterId);
      if (!cluster)
        throw new KscliError(
          ExitCode.Blocked,
          `CloudHSM cluster ${o.clusterId} was not found in account ${where.account}, region ${where.region}`,
          'check the cluster ID and --region (kscli stores shows the cluster of each CloudHSM store)',
        );
      const facts: RetireClusterFacts = {
        region: ctx.region,
        cluster,
        stores: { regions: [], storesOnCluster: [], gaps: [] },
        audit: {
          logGroup: '',
          status: 'unreadable',
          windowStart: deps.clock.now(),
          windowEnd: deps.clock.now(),
          otherUsers: [],
          kmsLogins: 0,
        },
        backups: [],
      };
      return { label: clusterLabel(facts), facts };
    },
    async scan(_deps, read) {
      const ctx = { aws: deps.aws, clock: deps.clock, region: read.facts.region, say: () => {} };
      const facts = await gatherRetireFacts(ctx, o.clusterId, storesReader(deps, selection), opts);
      if (!facts)
        throw new KscliError(ExitCode.Blocked, `CloudHSM cluster ${o.clusterId} disappeared while kscli read it`);
      facts.cost = await book.cost(facts.region, facts.cluster.hsms.length);
      facts.priceLine = priceSourceLine(book);
      return { ...read, label: clusterLabel(facts), facts };
    },
    plan: async (ctx, facts) => planRetireCluster(ctx, facts, recheckFor(ctx, facts, opts), opts),
    idle: (_planned, facts) => ({
      outcome: 'nothing-to-do',
      exitCode: ExitCode.Ok,
      lines: [
        facts.cluster.state === 'DELETED' || facts.cluster.state === 'DELETE_IN_PROGRESS'
          ? `cluster ${o.clusterId} is ${facts.cluster.state}: nothing of it bills any more`
          : `cluster ${o.clusterId} has no HSMs left${o.keepCluster ? ' (kept with --keep-cluster)' : ''}`,
      ],
    }),
    notFound: (journal, where) => alreadyDeleted(journal, o.clusterId, where),
    // saved plans (--plan-out, kscli apply): the cluster, its HSMs, backups, stores and audit log
    observer: clusterObserver,
    finish: async (_planned, _report, ctx, facts) => {
      const hsm = ctx.aws.cloudhsm(ctx.region);
      const cluster = await hsm.describeCluster(o.clusterId);
      const lines: string[] = [];
      if (cluster && cluster.hsms.length > 0)
        return {
          outcome: 'pending',
          exitCode: ExitCode.Pending,
          lines: [
            `cluster ${o.clusterId} still has ${cluster.hsms.length} HSM(s) being deleted: run the same command again in a few minutes`,
          ],
        };
      const saved =
        facts.cost && facts.cost.hsmCount > 0 ? ` (≈ ${formatUsd(facts.cost.monthlyUsd)} a month saved)` : '';
      lines.push(`HSMs of cluster ${o.clusterId} deleted${saved}`);
      const ready = (await hsm.describeBackups([o.clusterId])).filter((b) => b.state === 'READY');
      if (o.deleteBackups && ready.length > 0)
        return {
          outcome: 'pending',
          exitCode: ExitCode.Pending,
          lines: [
            ...lines,
            `${ready.length} READY backup(s) of the cluster remain (taken by the HSM deletions, after the plan): run the same command again to delete them`,
          ],
        };
      if (!o.keepCluster && cluster && cluster.state !== 'DELETE_IN_PROGRESS' && cluster.state !== 'DELETED')
        return {
          outcome: 'pending',
          exitCode: ExitCode.Pending,
          lines: [...lines, `cluster ${o.clusterId} is still ${cluster.state}: run again`],
        };
      if (!o.keepCluster) lines.push(`cluster ${o.clusterId} ${cluster?.state ?? 'deleted'}: AWS finishes deleting it`);
      else lines.push(`cluster ${o.clusterId} kept (--keep-cluster): HSMs can be added back from its backups`);
      if (ready.length > 0)
        lines.push(
          `${ready.length} READY backup(s) stay and hold the cluster's keys and users: ${nextStepIn(deps, ctx.region)(['retire-cluster', o.clusterId, '--delete-backups'])} deletes them (PENDING_DELETION for 7 days, restorable)`,
        );
      return { outcome: 'done', exitCode: ExitCode.Ok, lines };
    },
  };
}

export const planModule: PlanModule<typeof RetireClusterOptionsSchema> = {
  optionsSchema: RetireClusterOptionsSchema,
  spec: async (deps, o) => ({ spec: retireClusterSpec(deps, o) as never }),
};
