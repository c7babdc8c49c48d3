/**
 * The plan runner serves a subject that is not a store: a tiny test-only descriptor whose plan is
 * about a CloudHSM cluster (the shape retire-cluster takes; see src/workflow/plan-runner/README.md).
 * Run through the whole CLI (cli.ts registers it from its descriptor): the plan header, the typed
 * confirmation, the lock and the journal all key on the cluster; not found is exit 3; the JSON
 * document names the subject.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { definePlanCommand } from '../../../../src/commands/descriptor.js';
import { COMMANDS } from '../../../../src/commands/registry.js';
import { ExitCode, KscliError } from '../../../../src/errors.js';
import type { PlannedStep } from '../../../../src/workflow/plan.js';
import type { SubjectPlanSpec } from '../../../../src/workflow/plan-runner/index.js';
import { makeWorld, runCli, type World } from '../../fakes/harness.js';
import { ScriptedPrompter } from '../../fakes/prompter.js';

const CLUSTER = 'cluster-abcdefghijk';

interface Cluster {
  id: string;
  state: 'ACTIVE' | 'DELETED';
  hsms: string[];
}

/** A cluster the test owns (the runner never sees it: it only calls the spec's read and plan). */
function testClusterCommand(clusters: Map<string, Cluster>, calls: string[]) {
  const spec = (o: { clusterId: string }): SubjectPlanSpec<PlannedStep, undefined, Cluster> => ({
    command: 'retire-test-cluster',
    subject: { kind: 'cluster', id: o.clusterId },
    async read(_deps, _ctx, where) {
      const c = clusters.get(o.clusterId);
      if (!c) throw new KscliError(ExitCode.Blocked, `cluster ${o.clusterId} not found in ${where.region}`);
      return { label: `${c.state}, ${c.hsms.length} HSM(s)`, facts: c };
    },
    async plan(_ctx, c) {
      return {
        warnings: [],
        overrides: [],
        executables: c.hsms.map((hsm) => ({
          item: {
            target: hsm,
            targetKind: 'key' as const,
            action: 'DeleteHsm',
            status: 'apply' as const,
            reason: `an HSM of ${c.id}`,
            checks: [],
          },
          apply: async () => {
            calls.push(`DeleteHsm ${hsm}`);
            c.hsms = c.hsms.filter((h) => h !== hsm);
            return {};
          },
        })),
      };
    },
  });
  return definePlanCommand({
    name: 'retire-test-cluster',
    summary: 'test only: delete the HSMs of a cluster',
    mutates: true,
    subject: 'cluster',
    schemas: [{ schema: 'plan', usage: 'retire-test-cluster' }],
    define: (cmd) => void cmd.argument('<clusterId>'),
    parse: (args) => ({ clusterId: args[0] ?? '' }),
    options: (_deps, input) => input,
    load: async () => ({
      optionsSchema: Type.Object({ clusterId: Type.String() }),
      spec: async (_deps, o) => ({ spec: spec(o) }),
    }),
  });
}

function setup(tty = false) {
  const w: World = makeWorld({ tty });
  const clusters = new Map<string, Cluster>([[CLUSTER, { id: CLUSTER, state: 'ACTIVE', hsms: ['hsm-1', 'hsm-2'] }]]);
  const calls: string[] = [];
  const commands = [...COMMANDS, testClusterCommand(clusters, calls)];
  const cli = (argv: string[]) => runCli(argv, w, commands);
  return { w, clusters, calls, cli };
}

describe('a plan whose subject is a cluster', () => {
  it('--dry-run: the plan names the cluster; nothing changes', async () => {
    const { cli, calls } = setup();
    const r = await cli(['retire-test-cluster', CLUSTER, '--dry-run', '--output', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Plan: retire-test-cluster cluster ${CLUSTER} (ACTIVE, 2 HSM(s)) in account 111122223333`,
    );
    expect(r.stdout).toMatch(/dry run: nothing was changed/);
    expect(calls).toEqual([]);
  });

  it('the operator types the cluster ID; the journal and the lock are the cluster’s', async () => {
    const { w, cli, calls } = setup(true);
    w.prompter = new ScriptedPrompter([{ type: CLUSTER }]);
    const r = await cli(['retire-test-cluster', CLUSTER, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(w.prompter.asked[0]!.expected).toBe(CLUSTER);
    expect(w.prompter.asked[0]!.message).toContain(`will make 2 change(s) to cluster ${CLUSTER} in account`);
    expect(calls).toEqual(['DeleteHsm hsm-1', 'DeleteHsm hsm-2']);
    const doc = r.json();
    expect(doc.subject).toEqual({ kind: 'cluster', id: CLUSTER });
    expect(doc.storeId).toBeUndefined();
    expect(doc.outcome).toBe('done');
    const journal = join(w.home, '.kscli', 'journal', `111122223333-eu-west-1-${CLUSTER}.jsonl`);
    const lines = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.operation === 'ApplyPlan').map((l) => l.target)).toEqual([CLUSTER, CLUSTER]);
    expect(lines.filter((l) => l.operation === 'DeleteHsm' && l.phase === 'outcome').map((l) => l.target)).toEqual([
      'hsm-1',
      'hsm-2',
    ]);
    // released after the run; its name is the cluster's
    expect(existsSync(join(w.home, '.kscli', 'locks', `111122223333-eu-west-1-${CLUSTER}.lock`))).toBe(false);
  });

  it('typing the store-style wrong ID cancels: exit 5, nothing changed', async () => {
    const { w, cli, calls } = setup(true);
    w.prompter = new ScriptedPrompter([{ type: 'cks-1234567890abcdef0' }]);
    const r = await cli(['retire-test-cluster', CLUSTER, '--output', 'json']);
    expect(r.code).toBe(ExitCode.Cancelled);
    expect(calls).toEqual([]);
  });

  it('a cluster that does not exist: exit 3, nothing changed', async () => {
    const { cli, calls } = setup();
    const r = await cli(['retire-test-cluster', 'cluster-zzzzzzzzzzz', '--yes']);
    expect(r.code).toBe(ExitCode.Blocked);
    expect(r.stderr).toMatch(/cluster cluster-zzzzzzzzzzz not found/);
    expect(calls).toEqual([]);
  });

  it('--expected-account is the runner’s one guard: another account changes nothing', async () => {
    const { cli, calls } = setup();
    const r = await cli(['retire-test-cluster', CLUSTER, '--yes', '--expected-account', '999999999999']);
    expect(r.code).toBe(ExitCode.Blocked);
    expect(r.stderr).toMatch(/not the expected account 999999999999/);
    expect(calls).toEqual([]);
  });

  it('--plan-out refuses a subject whose spec has no observer with bad input, nothing changed', async () => {
    const { w, cli, calls } = setup();
    const r = await cli(['--plan-out', join(w.home, 'p.json'), 'retire-test-cluster', CLUSTER]);
    expect(r.code).toBe(ExitCode.BadInput);
    expect(r.stderr).toMatch(/what a plan about cluster cluster-\w+ rests on is not modelled/);
    expect(calls).toEqual([]);
  });
});
