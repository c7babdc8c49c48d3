/**
 * Every command kscli prints for the operator to run next works when pasted: the test copies each
 * printed `kscli ...` line from the terminal (a pty, as the operator sees it) into a new shell of the
 * same session and runs it. Before, the lines dropped `--sandbox`, `--region`, `--endpoint-url`,
 * `--journal`, so a pasted step ran against no account (exit 4) or another journal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS } from './helpers/credentials.js';
import { DEMO } from './helpers/demo.js';
import { ReaderShell } from './readme/shell.js';
import { join } from 'node:path';

const shells: { stop(): void }[] = [];
afterAll(() => {
  for (const s of shells) s.stop();
});

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
