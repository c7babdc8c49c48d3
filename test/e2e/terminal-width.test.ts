/**
 * Every kscli screen in a real terminal of 80 and of 132 columns (issue 14, "Layout to the
 * terminal's width"): the built binary on a pseudo-terminal sized with `stty`, against the demo
 * account served over HTTP. For the plan of every mutating command, `usage`, `stores` and
 * `find-keys`:
 *   - no line is longer than the terminal (ANSI codes removed; progress bars included),
 *   - every key ID, ARN, alias, store ID and backup ID is whole on one line,
 *   - `usage` puts the in-use key in the summary's first row;
 * and the same commands piped (`--output table`, not a terminal) keep the unwrapped layout: one
 * line per row, the same rows in the same order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  ptyAvailable,
  runInPty,
  startE2E,
  type E2E,
  type RunResult,
} from './helpers/index.js';

if (!ptyAvailable)
  console.warn('terminal-width.test.ts skipped: util-linux `script` is not on PATH (apt-get install bsdutils)');

const HSM = DEMO.hsmStore;

/** The screens: the plan of each mutating command (dry runs: nothing changes), and the reports. */
const SCREENS: Array<{ name: string; args: string[]; code: number; plan?: boolean }> = [
  {
    name: 'delete-store plan',
    args: ['delete-store', HSM, '--allow-in-use', '--allow-data-loss', '--dry-run'],
    code: 0,
    plan: true,
  },
  { name: 'schedule-deletion plan (blocked)', args: ['schedule-deletion', HSM, '--dry-run'], code: 3, plan: true },
  {
    name: 'schedule-deletion plan',
    args: ['schedule-deletion', HSM, '--allow-in-use', '--allow-data-loss', '--no-alarm', '--dry-run'],
    code: 0,
    plan: true,
  },
  { name: 'cancel-deletion plan', args: ['cancel-deletion', HSM, '--dry-run'], code: 0, plan: true },
  { name: 'disconnect-store plan (blocked)', args: ['disconnect-store', HSM, '--dry-run'], code: 3, plan: true },
  {
    name: 'disconnect-store plan (xks, --force)',
    args: ['disconnect-store', DEMO.xksStore, '--force', '--dry-run'],
    code: 0,
    plan: true,
  },
  { name: 'alarm plan', args: ['alarm', HSM, '--dry-run'], code: 0, plan: true },
  { name: 'backups --delete plan', args: ['backups', HSM, '--delete', '--force', '--dry-run'], code: 0, plan: true },
  { name: 'usage', args: ['usage', HSM], code: 0 },
  { name: 'usage --details', args: ['usage', HSM, '--details'], code: 0 },
  { name: 'stores', args: ['stores'], code: 0 },
  { name: 'find-keys', args: ['find-keys', HSM], code: 0 },
];

/** the words an operator copies: ARNs, aliases, key IDs, store, cluster and backup IDs */
const TOKEN =
  /arn:aws:[A-Za-z0-9:/_+=.@-]+|alias\/[A-Za-z0-9:/_-]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|cks-[0-9a-f]{17}|cluster-[0-9a-z]{11}|backup-[0-9a-z]{11}/g;
const tokensOf = (text: string) => [...new Set([...text.matchAll(TOKEN)].map((m) => m[0].replace(/[.,;:)]+$/, '')))];

// eslint-disable-next-line no-control-regex -- terminal output: ANSI escape sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;
/**
 * What the terminal shows, line by line: a carriage return or a cursor move to a column (progress
 * bars redraw their line that way) starts the line again; colour codes take no room.
 */
// eslint-disable-next-line no-control-regex -- terminal output: cursor to column n
const screenLines = (text: string) => text.split(/\r?\n|\r|\x1b\[\d*G/).map((l) => l.replace(ANSI, ''));

/** The rows of a screen, in order: plan lines by status and target, other rows by their ID. */
function rowKeys(text: string): string[] {
  return screenLines(text)
    .filter((l) => /^\S/.test(l))
    .map((l) => l.split(/\s+/))
    .filter(([first]) => /^(apply|skip|BLOCKED|[0-9a-f]{8}-|cks-|backup-)/.test(first!))
    .map(([first, second]) => (/^(apply|skip|BLOCKED)$/.test(first!) ? `${first} ${second}` : first!));
}

// Every run here reads the demo account or plans a dry run, so the tests run side by side
// (vitest's maxConcurrency, 5 at a time): each run mostly waits on kscli's own pacing of
// LookupEvents, not on the CPU. The sandbox's quotas are off because the runs share one account:
// five kscli processes each pacing LookupEvents at 2/s would be throttled together, and quotas are
// not what this file is about.
describe
  .skipIf(!ptyAvailable)
  .concurrent('kscli screens fit the terminal (80 and 132 columns) and keep their layout when piped', () => {
    let t: E2E;
    /**
     * The piped run of each screen, once, shared by its three tests whichever starts it first, with
     * the request-log position before it (the requests since then include the other tests' runs,
     * all read-only: a mutating request among them fails the check all the same).
     */
    const piped = new Map<string, Promise<{ r: RunResult; mark: number }>>();
    const pipedRun = async (args: string[]): Promise<RunResult> => (await pipedWithMark(args)).r;
    const pipedWithMark = (args: string[]) => {
      const key = args.join(' ');
      if (!piped.has(key)) {
        const mark = t.sandbox.mark();
        piped.set(
          key,
          t.kscli([...args, '--output', 'table']).then((r) => ({ r, mark })),
        );
      }
      return piped.get(key)!;
    };
    beforeAll(async () => {
      t = await startE2E('terminal-width', { args: ['--no-quotas'] }, { runner: 'child' });
    });
    afterAll(async () => {
      await t?.stop();
    });

    /** a terminal as an operator has one: colour on (the harness's NO_COLOR removed unless given) */
    const onTerminal = (args: string[], cols: number, extra: { env?: Record<string, string> } = {}) => {
      const env: Record<string, string | undefined> = { ...t.env(), TERM: 'xterm-256color' };
      delete env.NO_COLOR;
      return runInPty(['--endpoint-url', t.sandbox.url, ...args], {
        env: { ...env, ...(extra.env ?? {}) } as ReturnType<E2E['env']>,
        size: { cols, rows: 50 },
        timeoutMs: 60_000,
        keepAnsi: true,
      });
    };

    describe.each(SCREENS)('$name', ({ args, code, plan }) => {
      it('piped: the unwrapped layout, one line per row', async () => {
        const { r, mark } = await pipedWithMark(args);
        expectExit(r, code);
        expectNoMutatingRequests(t.sandbox.requestsSince(mark));
        if (plan) {
          const lines = r.stdout.split('\n');
          const rows = lines.filter((l) => /^(apply|skip|BLOCKED)\s/.test(l));
          expect(rows.length, r.describe()).toBeGreaterThan(0);
          if (rows.length)
            expect(lines).toContainEqual(
              expect.stringMatching(/^(STATUS\s+TARGET\s+ACTION\s+STATE\s+REASON|RESULT\s+TARGET)/),
            );
          // every row whole on its line: status, target, action and a reason
          for (const row of rows) expect(row.split(/\s{2,}/).length, row).toBeGreaterThanOrEqual(3);
        }
      });

      it.each([80, 132])(
        'on a %i-column terminal: no line over the width, IDs, ARNs and aliases whole, the same rows',
        async (cols) => {
          const [r, pipe] = await Promise.all([onTerminal(args, cols), pipedRun(args)]);
          expectExit(r, code);
          const lines = screenLines(r.stdout);
          const over = lines.filter((l) => [...l].length > cols);
          expect(over, `lines over ${cols} columns:\n${over.join('\n')}\n${r.describe()}`).toEqual([]);
          const tokens = tokensOf(pipe.stdout + pipe.stderr);
          expect(tokens.length).toBeGreaterThan(0);
          for (const token of tokens)
            expect(
              lines.some((l) => l.includes(token)),
              `${token} whole on one line at ${cols} columns\n${r.stdout}`,
            ).toBe(true);
          expect(rowKeys(lines.join('\n')), lines.join('\n')).toEqual(rowKeys(pipe.stdout));
        },
      );
    });

    it.each([80, 132])(
      'usage at %i columns: the in-use key is the first row of the summary, said in words',
      async (cols) => {
        const r = await onTerminal(['usage', HSM], cols);
        expectExit(r, 0);
        const text = screenLines(r.stdout).join('\n');
        const rows = screenLines(r.stdout).filter((l) => /^[0-9a-f]{8}-/.test(l));
        // both keys that need a decision lead, in the store's order (in-use and protects-data
        // rank the same): the in-use key, then alias/reports-archive's key, which protects data
        // (EC2 snapshots and an S3 bucket encrypted under it) though nothing has called it
        expect(rows[0], text).toMatch(new RegExp(`^${DEMO.keys.used}\\s+in-use\\b`));
        expect(rows[1], text).toMatch(new RegExp(`^${DEMO.keys.unusedA}\\s+protects-data\\b`));
        expect(text).toMatch(/1 protects-data, 1 in-use, 0 unknown, 3 unused/);
        expect(text).toMatch(/activity: successful cryptographic calls per week/);
        // the unused keys' evidence waits for --details
        expect(text).toMatch(/evidence of the 3 unused key\(s\) not shown: add --details/);
      },
    );

    it('colours mean one thing: in-use red, unused green, skip yellow; NO_COLOR keeps every word', async () => {
      const coloured = await onTerminal(['usage', HSM], 132);
      expectExit(coloured, 0);
      expect(coloured.stdout).toContain('\u001b[31min-use\u001b[39m');
      expect(coloured.stdout).toContain('\u001b[32munused\u001b[39m');
      const plan = await onTerminal(['delete-store', HSM, '--allow-in-use', '--allow-data-loss', '--dry-run'], 132);
      expect(plan.stdout).toContain('\u001b[32mapply\u001b[39m');
      expect(plan.stdout).toContain('\u001b[33mskip\u001b[39m');
      const plain = await onTerminal(['usage', HSM], 132, { env: { NO_COLOR: '1' } });
      // eslint-disable-next-line no-control-regex -- SGR colour codes
      expect(plain.stdout).not.toMatch(/\u001b\[3\dm/);
      expect(screenLines(plain.stdout).join('\n')).toMatch(new RegExp(`${DEMO.keys.used}\\s+in-use`));
    });

    it('relative dates beside the ISO ones: the pending key deletes "in 5 days"', async () => {
      const r = await onTerminal(['find-keys', HSM], 80);
      expectExit(r, 0);
      expect(screenLines(r.stdout).join('\n')).toMatch(/deletion: \d{4}-\d{2}-\d{2}T[\d:.]+Z \(in 5 days\)/);
      const usage = await onTerminal(['usage', HSM], 80);
      expect(screenLines(usage.stdout).join('\n')).toMatch(/last use: 3 days ago/);
    });

    it('the prompt says what is at stake right above the typed store ID', async () => {
      const mark = t.sandbox.mark();
      const r = await runInPty(
        ['--endpoint-url', t.sandbox.url, 'delete-store', HSM, '--allow-in-use', '--allow-data-loss'],
        {
          env: t.env(),
          size: { cols: 80, rows: 50 },
          steps: [{ waitFor: new RegExp(`Type ${HSM}`), send: '\x03' }],
          timeoutMs: 60_000,
          keepAnsi: true,
        },
      );
      expectExit(r, 5);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
      const lines = screenLines(r.stdout);
      const prompt = lines.findIndex((l) => l.includes(`Type ${HSM} to continue`));
      // the stake block runs from its heading to the prompt: since data at rest it also lists
      // what the protects-data key's deletion makes unreadable, so its length is not fixed
      const heading = lines.findLastIndex((l, i) => i < prompt && l.includes('delete-store will make'));
      expect(heading, r.stdout).toBeGreaterThanOrEqual(0);
      const stake = lines.slice(heading, prompt).join('\n');
      expect(stake, r.stdout).toMatch(/4 keys will be scheduled for deletion/);
      expect(stake).toMatch(/earliest deletion: \d{4}-\d{2}-\d{2}T[\d:.]+Z \(in 30 days\)/);
      expect(stake).toMatch(/1 of them protect data: 4 resource\(s\) encrypted under them become unreadable/);
      expect(stake).toMatch(/\(overridden with --allow-data-loss\)/);
      expect(stake).toMatch(/AWS::S3::Bucket reports-archive-111122223333/);
      expect(stake).toMatch(/1 of them in use \(overridden with --allow-in-use\)/);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    });
  });
