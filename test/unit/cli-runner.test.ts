/**
 * createRunner (src/cli.ts): one commander program parsed again for every run, for the in-process
 * harnesses (issue 17). Pinned to `run`, which builds a program per run: the same argv lists, in an
 * order where a flag, an argument or an error of one run could leak into the next, give the same
 * exit code, stdout and stderr.
 */
import { describe, expect, it } from 'vitest';
import { createRunner, run } from '../../src/cli.js';
import type { RunContext } from '../../src/app.js';
import { memoryIO } from '../../src/ui/io.js';
import { makeWorld, silentProgress, type World } from './fakes/harness.js';

type Runner = (argv: string[], ctx: RunContext) => Promise<number>;

async function once(runner: Runner, argv: string[], w: World) {
  const io = memoryIO({ isTTY: false, canPrompt: false });
  const code = await runner(argv, {
    io,
    env: { HOME: w.home },
    system: w.system,
    inject: {
      aws: w.account.ports(),
      prompter: w.prompter,
      clock: w.account.clock,
      home: w.home,
      evidence: async () => w.evidence,
      progress: silentProgress,
    },
  });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('createRunner: one program, parsed again for every run', () => {
  it('gives what a program built for each run gives, run after run (no flag, argument or error carried over)', async () => {
    const w = makeWorld();
    const store = w.account.addStore();
    const other = w.account.addStore({ type: 'EXTERNAL_KEY_STORE' });
    const a = w.account.addKey({ store, aliases: ['alias/app'] });
    const b = w.account.addKey({ store });
    w.account.addKey({ store: other });
    const sequence: string[][] = [
      ['schedule-deletion', store.id, '--key', a.keyId, '--exclude-key', b.keyId, '--window-days', '9', '--dry-run'],
      // the same command without the flags: none of the previous run's values may remain
      ['schedule-deletion', store.id, '--dry-run', '--output', 'json'],
      ['schedule-deletion', store.id, '--key', 'alias/app', '--dry-run', '--output', 'json', '--allow-in-use'],
      ['schedule-deletion', store.id, '--window-days', '3', '--dry-run'],
      ['schedule-deletion', store.id, '--bogus'],
      ['cancel-deletion', store.id, '--enable', '--dry-run', '--output', 'json'],
      ['cancel-deletion', store.id, '--dry-run', '--output', 'json'],
      ['delete-store', other.id, '--dry-run', '--output', 'json'],
      ['delete-store', store.id, '--plan-out', '', '--output', 'json'],
      ['stores', '--output', 'json'],
      ['stores', '--output', 'csv'],
      ['--version'],
      ['--help'],
      ['schedule-deletion', '--help'],
      ['no-such-command'],
      [],
      ['schedule-deletion', store.id, '--dry-run', '--output', 'json'],
    ];
    const runner = createRunner();
    for (const argv of sequence) {
      const fresh = await once(run, argv, w);
      const reused = await once(runner, argv, w);
      expect(reused, argv.join(' ')).toEqual(fresh);
    }
    // the sequence met what it is about: runs that succeed and bad input (exit 2) between them
    const codes = await Promise.all(sequence.map(async (argv) => (await once(run, argv, w)).code));
    expect(codes.filter((c) => c === 2).length).toBeGreaterThanOrEqual(4);
    expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(10);
  });

  it('a run that starts while another is parsing gets a program of its own', async () => {
    const w = makeWorld();
    const store = w.account.addStore();
    w.account.addKey({ store });
    const runner = createRunner();
    const argv = ['schedule-deletion', store.id, '--dry-run', '--output', 'json'];
    const [first, second] = await Promise.all([
      once(runner, argv, w),
      once(runner, [...argv, '--window-days', '8'], w),
    ]);
    expect(first).toEqual(await once(run, argv, w));
    expect(second).toEqual(await once(run, [...argv, '--window-days', '8'], w));
  });
});
