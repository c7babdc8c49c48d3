/**
 * Every command kscli prints for the operator to run next works when pasted: the test copies each
 * printed `kscli ...` line from the terminal (a pty, as the operator sees it) into a new shell of the
 * same session and runs it. Before, the lines dropped `--sandbox`, `--region`, `--endpoint-url`,
 * `--journal`, so a pasted step ran against no account (exit 4) or another journal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS } from './helpers/credentials.js';
import { DEMO } from './helpers/demo.js';
import { ReaderShell, stopAll } from './readme/shell.js';
import { join } from 'node:path';

const shells: { stop(): Promise<void> }[] = [];
afterAll(() => stopAll(shells));

/** The `kscli ...` lines printed under a line matching `after` (each on a line of its own). */
function printedSteps(screen: string, after: RegExp): string[] {
  const lines = screen.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (after.test(l) && /^ {2}kscli /.test(lines[i + 1] ?? '')) out.push(lines[i + 1]!.trim());
  });
  return out;
}

describe('next steps paste and run', () => {
  it('--sandbox: "run again after" carries --sandbox; pasted, it reaches the same sandbox (exit 8, not 4)', async () => {
    const sh = new ReaderShell('next-sandbox');
    shells.push(sh);
    const first = await sh.run(
      `kscli delete-store ${DEMO.hsmStore} --sandbox --allow-in-use --allow-unknown-usage --allow-data-loss --yes`,
      { columns: 80 },
    );
    expect(first.code, first.screen).toBe(8);
    const [step] = printedSteps(first.screen, /Run again after/);
    expect(step).toBe(`kscli delete-store ${DEMO.hsmStore} --sandbox`);
    const again = await sh.run(step!, { columns: 80 });
    expect(again.code, again.screen).toBe(8);
    expect(again.screen).toMatch(/pending: run again after/);
  }, 60_000);

  it('plan reasons and the Markdown review document carry the context too (--sandbox)', async () => {
    const sh = new ReaderShell('next-markdown');
    shells.push(sh);
    // no alarm yet: the plan line says how to make it, with --sandbox (a wide screen: one line)
    const blocked = await sh.run(
      `kscli schedule-deletion ${DEMO.hsmStore} --key ${DEMO.keys.unusedB} --sandbox --dry-run`,
      {
        columns: 200,
      },
    );
    expect(blocked.screen).toContain(`run kscli alarm ${DEMO.hsmStore} --sandbox`);
    const md = await sh.run(
      `kscli schedule-deletion ${DEMO.hsmStore} --key ${DEMO.keys.unusedB} --no-alarm --allow-unknown-usage --allow-data-loss --sandbox --plan-out p.json --output markdown`,
      { columns: 200 },
    );
    expect(md.code, md.screen).toBe(0);
    expect(md.screen).toContain('`kscli apply p.json --sandbox`');
    expect(md.screen).toContain('`kscli show p.json --sandbox`');
    expect(md.screen).toContain(`\`kscli delete-store ${DEMO.hsmStore} --sandbox\``);
  }, 60_000);

  it('an endpoint, a region, an account check and a journal path with a space: apply-it-with and then-run paste', async () => {
    const admin = new ReaderShell('next-served');
    shells.push(admin);
    const state = join(admin.dir, 'state.json');
    const first = await admin.startBackground(`kscli sandbox serve --port 0 --state ${state}`, /listening on \S+/);
    const url = /listening on (\S+)/.exec(first)![1]!;
    // (--allow-unknown-usage: where the sandbox cannot answer for data at rest, keys are unknown)
    // the operator's shell: credentials in the environment, the rest on the command line
    const sh = new ReaderShell('next-operator', {
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    });
    shells.push(sh);
    const journal = join(sh.dir, 'my journals', 'retire.jsonl');
    const flags = `--endpoint-url ${url} --region us-east-1 --expected-account ${DEMO.account} --journal '${journal}'`;
    const plan = await sh.run(
      `kscli schedule-deletion ${DEMO.hsmStore} --key ${DEMO.keys.unusedB} --no-alarm --allow-unknown-usage --plan-out 'plan 1.json' ${flags}`,
      { columns: 80 },
    );
    expect(plan.code, plan.screen).toBe(0);
    const [apply] = printedSteps(plan.screen, /^apply it with:/);
    expect(apply).toBe(
      `kscli apply 'plan 1.json' --region us-east-1 --endpoint-url ${url} --expected-account ${DEMO.account} --journal '${journal}'`,
    );

    // `show` reads no AWS: its apply line takes the plan's region, and this run's flags
    const show = await sh.run(`kscli show 'plan 1.json' --endpoint-url ${url}`, { columns: 80 });
    expect(printedSteps(show.screen, /^apply it with:/)).toEqual([
      `kscli apply 'plan 1.json' --region us-east-1 --endpoint-url ${url}`,
    ]);

    // pasted: the typed confirmation is answered, the key is scheduled in the same account
    const applied = await sh.run(apply!, { columns: 80 });
    expect(applied.code, applied.screen).toBe(0);
    const [then] = printedSteps(applied.screen, /then run:$/);
    expect(then).toBe(
      `kscli delete-store ${DEMO.hsmStore} --region us-east-1 --endpoint-url ${url} --expected-account ${DEMO.account} --journal '${journal}'`,
    );
    // pasted: delete-store reads the same store (its in-use key blocks it: exit 3, never 4)
    const next = await sh.run(then!, { columns: 80 });
    expect(next.code, next.screen).toBe(3);
    expect(next.screen).toContain(`in account ${DEMO.account}, region us-east-1`);
  }, 90_000);
});

/** The `kscli ...` command a line prints inline after `label` (up to a closing `)`, `"` or the line's end). */
function inlineStep(screen: string, label: RegExp): string | undefined {
  for (const l of screen.split('\n')) {
    const m = label.exec(l);
    if (!m) continue;
    const rest = l.slice(m.index + m[0].length);
    const cmd = /kscli [^")]*/.exec(rest)?.[0];
    if (cmd) return cmd.replace(/[.;,]?\s*$/, '');
  }
  return undefined;
}

describe('after-care and trial next steps paste and run (issue 23)', () => {
  it('the trial: its rollback and the delete-store it names carry --sandbox; pasted, they reach the same sandbox', async () => {
    const sh = new ReaderShell('next-trial');
    shells.push(sh);
    const started = await sh.run(
      `kscli disable-keys ${DEMO.hsmStore} --key ${DEMO.keys.unusedB} --no-alarm --yes --sandbox`,
      { columns: 300 },
    );
    expect(started.code, started.screen).toBe(0);
    const rollback = inlineStep(started.screen, /roll back: /);
    expect(rollback).toBe(`kscli enable-keys ${DEMO.hsmStore} --sandbox`);
    const later = inlineStep(started.screen, /after that date "/);
    expect(later).toBe(`kscli delete-store ${DEMO.hsmStore} --sandbox`);
    // pasted during the trial: delete-store waits for the trial's end (exit 8, never 4), and says how to roll back
    const waiting = await sh.run(later!, { columns: 300 });
    expect(waiting.code, waiting.screen).toBe(8);
    expect(inlineStep(waiting.screen, /roll back at any time: /)).toBe(rollback);
    // the rollback, pasted: the key is Enabled again in the same sandbox
    const rolled = await sh.run(rollback!, { columns: 300 });
    expect(rolled.code, rolled.screen).toBe(0);
    expect(rolled.screen).toMatch(/1 key\(s\) enabled again/);
  }, 120_000);

  it('usage: a recommended trial command carries --sandbox; pasted, it plans against the same store (exit 3 without an alarm, never 4)', async () => {
    const sh = new ReaderShell('next-recommend');
    shells.push(sh);
    // --evidence logs on the demo: keys older than its log group are unknown, so a trial is recommended
    const usage = await sh.run(`kscli usage ${DEMO.hsmStore} --sandbox --evidence logs --output table`, {
      columns: 300,
    });
    expect(usage.code, usage.screen).toBe(0);
    const rec = inlineStep(usage.screen, new RegExp(`trial recommended: ${DEMO.keys.unusedB}: `));
    expect(rec).toBe(`kscli disable-keys ${DEMO.hsmStore} --key ${DEMO.keys.unusedB} --trial-days 14 --sandbox`);
    const pasted = await sh.run(`${rec!} --dry-run`, { columns: 300 });
    expect([0, 3], pasted.screen).toContain(pasted.code);
    expect(pasted.screen).toContain(`in account ${DEMO.account}, region us-east-1`);
  }, 120_000);

  it('orphans, and the cluster delete-store leaves: the clean-up and retire-cluster commands carry --sandbox and run when pasted', async () => {
    const sh = new ReaderShell('next-aftercare');
    shells.push(sh);
    const flags = '--sandbox --yes';
    // the wrong order on purpose: keys scheduled, the store disconnected, the waiting period over:
    // the keys' material stays in the cluster (backingKeysDeletionStatus FAILURE)
    for (const [cmd, code] of [
      [
        `kscli schedule-deletion ${DEMO.hsmStore} --allow-in-use --allow-data-loss --no-alarm --window-days 7 ${flags}`,
        0,
      ],
      [`kscli disconnect-store ${DEMO.hsmStore} --allow-orphaned-material ${flags}`, 0],
      ['kscli sandbox advance --days 31', 0],
    ] as const) {
      const r = await sh.run(cmd, { columns: 300, timeoutMs: 120_000 });
      expect(r.code, r.screen).toBe(code);
    }
    const orphans = await sh.run(`kscli orphans ${DEMO.hsmStore} --sandbox`, { columns: 300 });
    expect(orphans.code, orphans.screen).toBe(0);
    const disconnect = inlineStep(orphans.screen, /Disconnect the store \(/);
    expect(disconnect).toBe(`kscli disconnect-store ${DEMO.hsmStore} --sandbox`);
    const again = await sh.run(disconnect!, { columns: 300 });
    // already DISCONNECTED: nothing to do, in the same sandbox
    expect(again.code, again.screen).toBe(0);
    expect(again.screen).toContain(`in account ${DEMO.account}, region us-east-1`);

    const deleted = await sh.run(`kscli delete-store ${DEMO.hsmStore} ${flags}`, { columns: 300 });
    expect(deleted.code, deleted.screen).toBe(0);
    // the store is gone: no disconnect step to paste (it would fail), the material's clean-up stays
    expect(deleted.screen).not.toContain('Disconnect the store');
    expect(deleted.screen).toContain('changePswd CU kmsuser');
    const retire = inlineStep(deleted.screen, /a month: run /);
    expect(retire).toBe(`kscli retire-cluster ${DEMO.hsmCluster} --sandbox`);
    const retired = await sh.run(`${retire!} --dry-run`, { columns: 300 });
    expect(retired.code, retired.screen).toBe(0);
    expect(retired.screen).toContain(`Plan: retire-cluster cluster ${DEMO.hsmCluster}`);
  }, 240_000);
});
