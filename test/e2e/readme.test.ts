/**
 * The README is executable: every command of its ```sh blocks runs as written, in a fresh home with
 * no AWS variables, on a pseudo-terminal (as a reader types it), in order within a block, and its
 * documented exit code is checked (a trailing `# exit N` comment, else 0). Every output the README
 * calls real (```text blocks, ```console blocks) is compared with what kscli prints, after
 * normalising times, dates, digests, ports and relative times, at the width the text says. The
 * examples of every `--help` are run the same way. Commands that cannot run offline are listed in
 * NOT_RUN with the reason, and each listed one must still be in the README (no stale entries).
 *
 * Contexts: a block runs in a fresh home of its own, unless a directive before it says
 * `context=account:NAME`: then it runs against "your AWS account", which the test stands in for
 * with a served sandbox (the org scenario, whose management account is the demo account) and dummy
 * credentials in the environment: the AWS SDK's default chain, as the README's Install section says.
 * Blocks of the same account NAME share it, in README order (the runbook builds on itself).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { BIN, ROOT } from './helpers/build.js';
import { DUMMY_CREDENTIALS } from './helpers/credentials.js';
import { containsLines, firstMissing, normaliseLines } from './readme/compare.js';
import {
  extractBlocks,
  helpExamples,
  shellCommands,
  type ConsoleBlock,
  type OutputBlock,
  type ReadmeBlock,
  type ReadmeCommand,
  type ShellBlock,
} from './readme/extract.js';
import { ReaderShell, stopAll, type Env } from './readme/shell.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = extractBlocks(README);

/** Commands the test does not run, each with why; matched against the start of the command. */
const NOT_RUN: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^npm ci\b/,
    reason: 'installs from the npm registry (offline here); the test runs the build `npm test` made',
  },
  { pattern: /^npm test\b/, reason: 'runs the whole suite, this test included' },
  {
    pattern: /^npm run build\b/,
    reason:
      '`npm test` ran it before this file (its first step); rebuilding dist/ while other test files run the binary from it would race them',
  },
  {
    pattern: /^npm run (test:unit|check|format|bench)\b/,
    reason: 'a suite or tool run of its own (bench takes 8-9 minutes); CI runs `npm run check`',
  },
  { pattern: /^git clone\b/, reason: 'needs the network and a repository URL (`<this repository>` is a placeholder)' },
];

function notRun(command: string): string | undefined {
  return NOT_RUN.find((n) => n.pattern.test(command))?.reason;
}

/** The account the README's AWS examples run against: a served sandbox and dummy credentials. */
class StandInAccount {
  private constructor(
    readonly env: Env,
    private readonly admin: ReaderShell,
  ) {}

  static async start(name: string): Promise<StandInAccount> {
    const admin = new ReaderShell(`account-${name}`);
    const state = join(admin.dir, 'account-state.json');
    const first = await admin.startBackground(
      `kscli sandbox serve --port 0 --state ${state} --latency-ms 0`,
      /listening on \S+/,
    );
    const url = /listening on (\S+)/.exec(first)![1]!;
    // the org scenario, by the running server (the account `kscli sandbox reset --scenario org`
    // writes, with an empty request log): not a kscli process and a pty of its own per account
    const reset = await fetch(`${url}/__sandbox/reset`, { method: 'POST', body: JSON.stringify({ scenario: 'org' }) });
    if (!reset.ok) throw new Error(`POST /__sandbox/reset: ${reset.status} ${await reset.text()}`);
    // the stand-in answers Logs Insights queries at once (AWS takes seconds; the suite has a budget)
    const config = await fetch(`${url}/__sandbox/config`, {
      method: 'POST',
      body: JSON.stringify({ insightsScheduledMs: 0, insightsMinRunMs: 0, insightsScanBytesPerSec: 0 }),
    });
    if (!config.ok) throw new Error(`POST /__sandbox/config: ${config.status}`);
    return new StandInAccount(
      {
        AWS_ENDPOINT_URL: url,
        AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      },
      admin,
    );
  }

  stop(): Promise<void> {
    return this.admin.stop();
  }
}

const toStop: { stop(): Promise<void> }[] = [];
afterAll(() => stopAll(toStop));

function describeRun(c: ReadmeCommand, where: string, code: number | null, screen: string): string {
  return `${c.line ? `README line ${c.line}` : 'example'} (${where}): ${c.text}\n-> exit ${code}, expected ${c.expectedExit}\n--- terminal ---\n${screen}`;
}

/** Runs a block's commands in `shell`, in order; every mismatch is a soft failure with the screen. */
async function runShellBlock(expect: ExpectStatic, block: ShellBlock, shell: ReaderShell): Promise<void> {
  const where = `${block.section}, block at line ${block.line}`;
  if (block.script) {
    const file = shell.writeFile(`readme-script-${block.line}.sh`, block.script);
    const expected = Number(block.directives.exit ?? 0);
    const r = await shell.run(`bash ${file}`);
    expect
      .soft(
        r.code,
        `README script at line ${block.line} (${where}) -> exit ${r.code}, expected ${expected}\n${r.screen}`,
      )
      .toBe(expected);
    return;
  }
  // a fixed port in the README (4566) is replaced by a free one, so parallel suites never collide;
  // the server keeps running for the later blocks of the same shell, and so does the replacement
  for (const c of block.commands) {
    const reason = notRun(c.text);
    if (reason) continue;
    let text = c.text;
    if (shell.servedPort) text = text.replace(/\b4566\b/g, shell.servedPort);
    // `sandbox serve` runs until Ctrl-C: the test checks its first line and stops it at the end
    if (c.background || /\bsandbox serve\b/.test(text)) {
      const first = await shell.startBackground(text.replace(/--port 4566\b/, '--port 0'), /listening on \S+/);
      shell.servedPort = /127\.0\.0\.1:(\d+)/.exec(first)?.[1];
      continue;
    }
    const r = await shell.run(text);
    expect.soft(r.code, describeRun(c, where, r.code, r.screen)).toBe(c.expectedExit);
    expect.soft(r.timedOut, describeRun(c, where, r.code, r.screen)).toBe(false);
  }
}

async function runOutputBlock(expect: ExpectStatic, block: OutputBlock, shell: ReaderShell): Promise<void> {
  expect(block.command, `README line ${block.line}: a \`\`\`text block with no command before it`).toBeDefined();
  const r = await shell.run(block.command!, { columns: block.columns ?? 80 });
  const expected = normaliseLines(block.body);
  const actual = normaliseLines(r.screen);
  expect(
    containsLines(expected, actual),
    `README line ${block.line} (${block.section}): the output of \`${block.command}\` in ${block.columns ?? 80} columns differs; first README line not printed:\n${firstMissing(expected, actual)}\n--- printed (normalised) ---\n${actual.join('\n')}`,
  ).toBe(true);
}

async function runConsoleBlock(expect: ExpectStatic, block: ConsoleBlock, shell: ReaderShell): Promise<void> {
  const columns = Number(block.directives.columns ?? 80);
  for (const step of block.steps) {
    const c = step.command;
    const r = await shell.run(c.text, { columns });
    expect.soft(r.code, describeRun(c, block.section, r.code, r.screen)).toBe(c.expectedExit);
    const expected = normaliseLines(step.output);
    const actual = normaliseLines(r.screen);
    expect
      .soft(
        containsLines(expected, actual),
        `README line ${c.line}: the output of \`${c.text}\` differs; first README line not printed:\n${firstMissing(expected, actual)}\n--- printed (normalised) ---\n${actual.join('\n')}`,
      )
      .toBe(true);
  }
}

/** A block's context: `fresh` (its own new home), `home:NAME` (a home shared by the blocks of that
 * NAME, in order) or `account:NAME` (shared, and with the stand-in AWS account). */
function contextOf(block: ReadmeBlock): string {
  return block.directives.context ?? `fresh:${block.line}`;
}

async function runBlock(expect: ExpectStatic, block: ReadmeBlock, shell: ReaderShell): Promise<void> {
  if (block.kind === 'sh') await runShellBlock(expect, block, shell);
  else if (block.kind === 'text') await runOutputBlock(expect, block, shell);
  else await runConsoleBlock(expect, block, shell);
}

describe('README.md runs as written', () => {
  it('has the blocks this test reads (sanity: the extractor found commands and outputs)', () => {
    expect(blocks.filter((b) => b.kind === 'sh').length).toBeGreaterThan(10);
    expect(blocks.filter((b) => b.kind === 'text').length).toBeGreaterThanOrEqual(3);
    for (const n of NOT_RUN) {
      const used = blocks.some((b) => b.kind === 'sh' && b.commands.some((c) => n.pattern.test(c.text)));
      expect(used, `NOT_RUN entry ${n.pattern} matches no README command any more: remove it`).toBe(true);
    }
  });

  const groups = new Map<string, ReadmeBlock[]>();
  for (const b of blocks) groups.set(contextOf(b), [...(groups.get(contextOf(b)) ?? []), b]);
  for (const [context, members] of groups) {
    const what = members.map((b) => `${b.kind} block at line ${b.line}`).join(', ');
    const section = members[0]!.section;
    it.concurrent(
      `${context.startsWith('fresh:') ? '' : `${context}: `}${what} (${section})`,
      async ({ expect }) => {
        const account = context.startsWith('account:') ? await StandInAccount.start(context.slice(8)) : undefined;
        if (account) toStop.push(account);
        const shell = new ReaderShell(context.replace(/[^a-z0-9]+/gi, '-'), account?.env ?? {});
        toStop.push(shell);
        for (const block of members) await runBlock(expect, block, shell);
      },
      180_000,
    );
  }
});

/** `kscli [cmd] --help`, read once at collection time (fast: --help loads no AWS SDK). */
function helpOf(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--help'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, COLUMNS: '200' },
  });
  return r.stdout;
}

/** The subcommands a help text lists under `Commands:` (never the options). */
function commandsIn(help: string): string[] {
  const at = help.indexOf('\nCommands:\n');
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of help.slice(at + '\nCommands:\n'.length).split('\n')) {
    const m = /^ {2}([a-z][a-z-]*)\b/.exec(l);
    if (!m) {
      if (/^\S/.test(l) || l === '') break;
      continue;
    }
    if (m[1] !== 'help') out.push(m[1]!);
  }
  return out;
}

describe('the examples of every --help run as written', () => {
  const helps: { name: string; help: string }[] = [];
  for (const cmd of commandsIn(helpOf([]))) {
    const help = helpOf([cmd]);
    helps.push({ name: cmd, help });
    for (const sub of commandsIn(help)) helps.push({ name: `${cmd} ${sub}`, help: helpOf([cmd, sub]) });
  }
  it('finds the commands and their examples', () => {
    expect(helps.length).toBeGreaterThan(10);
    expect(helps.filter((h) => helpExamples(h.help).length > 0).length).toBeGreaterThan(5);
  });
  for (const { name, help } of helps) {
    const examples = shellCommands(helpExamples(help), 1);
    if (examples.length === 0) continue;
    // sandbox examples need no account; the others run against the stand-in account, in order
    const sandboxOnly = examples.every((c) => /\bsandbox\b|--sandbox\b/.test(c.text));
    it.concurrent(
      `kscli ${name} --help: ${examples.length} example(s)${sandboxOnly ? '' : ' against the stand-in account'}`,
      async ({ expect }) => {
        const label = `help-${name.replace(' ', '-')}`;
        const acct = sandboxOnly ? undefined : await StandInAccount.start(label);
        if (acct) toStop.push(acct);
        const shell = new ReaderShell(label, acct?.env ?? {});
        toStop.push(shell);
        const block: ShellBlock = {
          kind: 'sh',
          line: 0,
          section: `kscli ${name} --help`,
          directives: {},
          commands: examples,
        };
        await runShellBlock(expect, block, shell);
      },
      120_000,
    );
  }
});
