/**
 * The interactive path on a real terminal (issue 2, "Plan, confirm, apply"): the plan is shown, the
 * operator must type the store ID; a wrong answer or Ctrl-C at the prompt exits 5 ("never 0") and
 * changes nothing; the right one acts. And colour (architecture.md section 3: "NO_COLOR and
 * --no-color honoured"): present on a terminal, absent with either. Runs kscli on a
 * pseudo-terminal (util-linux `script`); every run must also END (no timer left behind).
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
} from './helpers/index.js';

if (!ptyAvailable)
  console.warn('interactive.test.ts skipped: util-linux `script` is not on PATH (apt-get install bsdutils)');

const PROMPT = new RegExp(`Type ${DEMO.idleStore}`);

describe.skipIf(!ptyAvailable)('the typed confirmation on a terminal', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('interactive', {}, { runner: 'child' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const run = (steps: { waitFor: RegExp; send: string }[]) =>
    runInPty(['--endpoint-url', t.sandbox.url, 'delete-store', DEMO.idleStore, '--output', 'table'], {
      env: t.env(),
      steps,
      timeoutMs: 15_000,
    });

  // Each refusal is tried 3 times: the process must END after it every time. A run that leaves the
  // terminal hanging is as bad as a wrong exit code, and such hangs are races (e.g. a progress bar
  // started after it was stopped), so one try would catch them only now and then.
  it('a wrong store ID at the prompt: exit 5, nothing changed', async () => {
    for (let i = 0; i < 3; i++) {
      const mark = t.sandbox.mark();
      const r = await run([{ waitFor: PROMPT, send: 'cks-wrong\r' }]);
      expectExit(r, 5);
      expect(r.stdout).toContain('DeleteCustomKeyStore'); // the plan was shown before the question
      // it says the text did not match, and shows no success mark beside the wrong text
      expect(r.stdout).toContain(`you typed "cks-wrong"; expected the store ID ${DEMO.idleStore}; nothing was changed`);
      expect(r.stdout).toContain('cks-wrong (does not match)');
      expect(r.stdout).not.toContain('✔');
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    }
  });

  it('Ctrl-C at the prompt: exit 5, nothing changed', async () => {
    for (let i = 0; i < 3; i++) {
      const mark = t.sandbox.mark();
      const r = await run([{ waitFor: PROMPT, send: '\x03' }]);
      expectExit(r, 5);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    }
  });

  it('typing the store ID acts: the store is deleted (exit 0)', async () => {
    const mark = t.sandbox.mark();
    const r = await run([{ waitFor: PROMPT, send: `${DEMO.idleStore}\r` }]);
    expectExit(r, 0);
    const deletes = t.sandbox
      .requestsSince(mark)
      .filter((q) => q.operation === 'DeleteCustomKeyStore' && q.outcome === 'ok');
    expect(deletes.map((q) => q.params?.CustomKeyStoreId)).toEqual([DEMO.idleStore]);
  });
});

/** SGR sequences: colours and bold (cursor movement of progress bars is not colour) */
// eslint-disable-next-line no-control-regex -- terminal output
const SGR = /\x1b\[[0-9;]*m/;

describe.skipIf(!ptyAvailable)('colour on a terminal: on by default, off with NO_COLOR or --no-color', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('colour', {}, { runner: 'child' });
  });
  afterAll(async () => {
    await t?.stop();
  });
  const envWithout = (name: string) => {
    const env = t.env();
    delete env[name];
    return env;
  };
  // a blocked plan: the table carries a "blocked" status, which a colour terminal highlights
  const args = () => ['--endpoint-url', t.sandbox.url, 'disconnect-store', DEMO.hsmStore, '--yes', '--output', 'table'];

  it('a terminal without NO_COLOR gets colour (the control for the two tests below)', async () => {
    const r = await runInPty(args(), {
      env: { ...envWithout('NO_COLOR'), TERM: 'xterm-256color' },
      keepAnsi: true,
      timeoutMs: 15_000,
    });
    expectExit(r, 3);
    expect(SGR.test(r.stdout), r.describe()).toBe(true);
  });

  it('NO_COLOR=1: no colour codes', async () => {
    const r = await runInPty(args(), {
      env: { ...t.env(), TERM: 'xterm-256color' },
      keepAnsi: true,
      timeoutMs: 15_000,
    });
    expectExit(r, 3);
    expect(SGR.test(r.stdout), r.describe()).toBe(false);
  });

  it('--no-color: no colour codes', async () => {
    const r = await runInPty([...args(), '--no-color'], {
      env: { ...envWithout('NO_COLOR'), TERM: 'xterm-256color' },
      keepAnsi: true,
      timeoutMs: 15_000,
    });
    expectExit(r, 3);
    expect(SGR.test(r.stdout), r.describe()).toBe(false);
  });
});

describe.skipIf(!ptyAvailable)('on a terminal every run ends', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('tty-exit', {}, { runner: 'child' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  // The key scan shows a progress bar on a terminal; when the scan ends before the bar has started
  // (the bar module loads lazily), a bar started after stop() would keep its redraw timer running and
  // the process would never exit. Five quick runs make that race show.
  it('find-keys on a terminal exits 0 every time, within seconds', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await runInPty(['--endpoint-url', t.sandbox.url, 'find-keys', DEMO.hsmStore, '--output', 'table'], {
        env: t.env(),
        timeoutMs: 10_000,
      });
      expectExit(r, 0);
      expect(r.stdout).toContain(DEMO.keys.used);
    }
  });
});
