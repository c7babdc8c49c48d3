/**
 * Audits and guards, through the built binary against `kscli sandbox serve`:
 * - `--dry-run` of every mutating command prints the plan and exits 0 (3 when something is
 *   blocked) with ZERO mutating requests in the sandbox's request log (architecture.md section 7;
 *   issue 2 "Plan, confirm, apply");
 * - without a TTY and without `--yes`, a mutating command exits 2 naming `--yes` and mutates nothing
 *   (the e2e harness never gives the child a TTY);
 * - `--expected-account` of another account exits 3 and mutates nothing (issue 2 "Preconditions").
 *
 * Every run here is read-only by design until the last test (a positive control that shows the
 * guards are not simply always refusing), so the demo account stays as the scenario made it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, expectExit, expectNoMutatingRequests, startE2E, type E2E } from './helpers/index.js';

let t: E2E;
beforeAll(async () => {
  // the runs that change nothing run side by side (they mostly wait on kscli's own pacing); the
  // sandbox's quotas are off because they share one account and quotas are not this file's subject
  t = await startE2E('dry-run', { args: ['--no-quotas'] });
});
afterAll(async () => {
  await t?.stop();
});

interface DryCase {
  name: string;
  args: string[];
  /** 0, or 3 when the plan holds a blocked target */
  code: 0 | 3;
  /** a mutating action the plan must show (the plan is the point of a dry run) */
  action: string;
}

const DRY_RUNS: DryCase[] = [
  {
    name: 'alarm',
    args: ['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn],
    code: 0,
    action: 'PutMetricAlarm',
  },
  {
    name: 'schedule-deletion (the used key blocks it)',
    args: ['schedule-deletion', DEMO.hsmStore],
    code: 3,
    action: 'ScheduleKeyDeletion',
  },
  {
    name: 'schedule-deletion with the overrides',
    args: [
      'schedule-deletion',
      DEMO.hsmStore,
      '--allow-in-use',
      '--allow-data-loss',
      '--no-alarm',
      '--window-days',
      '7',
    ],
    code: 0,
    action: 'ScheduleKeyDeletion',
  },
  {
    name: 'schedule-deletion of one key',
    args: ['schedule-deletion', DEMO.hsmStore, '--key', DEMO.keys.unusedB, '--no-alarm'],
    code: 0,
    action: 'ScheduleKeyDeletion',
  },
  { name: 'cancel-deletion', args: ['cancel-deletion', DEMO.hsmStore], code: 0, action: 'CancelKeyDeletion' },
  {
    name: 'cancel-deletion --enable',
    args: ['cancel-deletion', DEMO.hsmStore, '--enable'],
    code: 0,
    action: 'CancelKeyDeletion',
  },
  {
    name: 'disconnect-store (Enabled and pending keys block it)',
    args: ['disconnect-store', DEMO.hsmStore],
    code: 3,
    action: 'DisconnectCustomKeyStore',
  },
  {
    name: 'disconnect-store with the overrides',
    args: ['disconnect-store', DEMO.hsmStore, '--force', '--allow-orphaned-material'],
    code: 0,
    action: 'DisconnectCustomKeyStore',
  },
  {
    name: 'disconnect-store of the external store --force',
    args: ['disconnect-store', DEMO.xksStore, '--force'],
    code: 0,
    action: 'DisconnectCustomKeyStore',
  },
  {
    name: 'delete-store (the used key blocks it)',
    args: ['delete-store', DEMO.hsmStore],
    code: 3,
    action: 'ScheduleKeyDeletion',
  },
  {
    name: 'delete-store --allow-in-use --allow-data-loss',
    args: ['delete-store', DEMO.hsmStore, '--allow-in-use', '--allow-data-loss'],
    code: 0,
    action: 'ScheduleKeyDeletion',
  },
  {
    name: 'delete-store of the idle store',
    args: ['delete-store', DEMO.idleStore],
    code: 0,
    action: 'DeleteCustomKeyStore',
  },
  {
    name: 'backups --delete --force',
    args: ['backups', DEMO.hsmStore, '--delete', '--force'],
    code: 0,
    action: 'DeleteBackup',
  },
];

// Each check reads the request log since its own mark: the other runs in the window are dry runs and
// refusals too, so a mutating request there fails the check all the same.
describe.concurrent('--dry-run of every mutating command: the plan, and zero mutating requests', () => {
  for (const c of DRY_RUNS) {
    it(`${c.name}: JSON plan, exit ${c.code}`, async () => {
      const mark = t.sandbox.mark();
      const r = await t.kscli([...c.args, '--dry-run', '--output', 'json']);
      expectExit(r, c.code);
      const doc = r.json();
      expect(doc.schemaVersion).toBe(1);
      expect(doc.outcome).toBe(c.code === 0 ? 'dry-run' : 'blocked');
      expect(Array.isArray(doc.plan)).toBe(true);
      expect(
        doc.plan.map((p: any) => p.action),
        JSON.stringify(doc.plan, null, 1),
      ).toContain(c.action);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark), `from ${c.args.join(' ')} --dry-run`);
    });
  }

  it('a table dry run prints the plan with one line per key and says nothing was changed', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'delete-store',
      DEMO.hsmStore,
      '--allow-in-use',
      '--allow-data-loss',
      '--dry-run',
      '--output',
      'table',
    ]);
    expectExit(r, 0);
    expect(r.stdout).toMatch(/Plan/);
    for (const id of Object.values(DEMO.keys)) expect(r.stdout).toContain(id);
    expect(r.stdout).toMatch(/dry run: nothing was changed/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark));
  });

  it('--dry-run wins over --yes: a runbook that passes both still changes nothing', async () => {
    for (const args of [
      ['delete-store', DEMO.idleStore],
      ['schedule-deletion', DEMO.hsmStore, '--allow-in-use', '--allow-data-loss', '--no-alarm'],
      ['disconnect-store', DEMO.xksStore, '--force'],
      ['backups', DEMO.hsmStore, '--delete', '--force'],
    ]) {
      const mark = t.sandbox.mark();
      const r = await t.kscli([...args, '--dry-run', '--yes', '--output', 'json']);
      expectExit(r, 0);
      expect(r.json().outcome).toBe('dry-run');
      expectNoMutatingRequests(t.sandbox.requestsSince(mark), `from ${args.join(' ')} --dry-run --yes`);
    }
  });
});

/** One invocation of every mutating command that would act on the demo account (with --yes). */
const MUTATING_COMMANDS: string[][] = [
  ['delete-store', DEMO.idleStore],
  ['schedule-deletion', DEMO.hsmStore, '--allow-in-use', '--allow-data-loss', '--no-alarm'],
  ['cancel-deletion', DEMO.hsmStore],
  ['disconnect-store', DEMO.xksStore, '--force'],
  ['alarm', DEMO.hsmStore],
  ['backups', DEMO.hsmStore, '--delete', '--force'],
];

describe.concurrent('no TTY and no --yes: exit 2 naming --yes, nothing mutated', () => {
  const NEEDS_YES = MUTATING_COMMANDS;
  for (const args of NEEDS_YES) {
    it(`kscli ${args.join(' ')}`, async () => {
      const mark = t.sandbox.mark();
      const r = await t.kscli([...args, '--output', 'table']);
      expectExit(r, 2);
      expect(r.stderr).toContain('--yes');
      expect(r.stderr).not.toMatch(/^\s+at\s/m);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark), `from ${args.join(' ')} without --yes`);
    });
  }

  it('with stdin closed and no TTY it never waits for input (ends well within the time limit)', async () => {
    const r = await t.kscli(['delete-store', DEMO.idleStore], { timeoutMs: 20_000 });
    expect(r.timedOut, r.describe()).toBe(false);
    expectExit(r, 2);
  });
});

describe('--expected-account guards the account', () => {
  const MUTATING = MUTATING_COMMANDS;
  for (const args of MUTATING) {
    it.concurrent(
      `kscli ${args.join(' ')} --yes --expected-account 999999999999: exit 3, both accounts named, nothing mutated`,
      async () => {
        const mark = t.sandbox.mark();
        const r = await t.kscli([...args, '--yes', '--expected-account', '999999999999']);
        expectExit(r, 3);
        expect(r.stderr).toContain('999999999999');
        expect(r.stderr).toContain(DEMO.account);
        expect(r.stderr).not.toMatch(/^\s+at\s/m);
        expectNoMutatingRequests(
          t.sandbox.requestsSince(mark),
          `from ${args.join(' ')} with the wrong --expected-account`,
        );
      },
    );
  }

  // not concurrent: it deletes the idle store, so it runs after the refusals above have ended
  it('the right --expected-account lets the run act (the guard is not a blanket refusal)', async () => {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'delete-store',
      DEMO.idleStore,
      '--yes',
      '--expected-account',
      DEMO.account,
      '--output',
      'json',
    ]);
    expectExit(r, 0);
    const deletes = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.operation === 'DeleteCustomKeyStore' && q.outcome === 'ok');
    expect(deletes.map((q) => q.params?.CustomKeyStoreId)).toEqual([DEMO.idleStore]);
  });
});
