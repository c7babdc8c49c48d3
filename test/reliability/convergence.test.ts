/**
 * Issue 6 item 1 ("running again completes the job") for the one call whose effect removes the
 * thing kscli would look at to find out: DeleteCustomKeyStore. When AWS deleted the store but the
 * answer never reached kscli (the connection dropped after the call was handled, and the SDK's
 * retries failed too), the run stops with exit 1 and the journal holds the intent of the call. The
 * next run finds no store: it must recognise its own unconfirmed delete and finish (exit 0), not
 * report "store not found" (exit 3) forever.
 *
 * Found by the random-schedule property test (invariants.property.test.ts, check C2). In-process:
 * the fault is injected below the SDK's retries, i.e. as if every retry had failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_IDLE_STORE_ID } from '../../src/sandbox/model/index.js';
import { InProcessSandbox, inProcessPorts } from './helpers/in-process-sandbox.js';
import { journalPath, readJournal, runKscli } from './helpers/kscli-in-process.js';
import { storeFacts } from './helpers/world.js';

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('delete-store converges after its own DeleteCustomKeyStore answer was lost', () => {
  it('the next run sees the journalled delete and the missing store, and ends done (exit 0)', async () => {
    const sb = new InProcessSandbox();
    const ports = inProcessPorts(() => sb);
    const home = mkdtempSync(join(tmpdir(), 'kscli-conv-'));
    homes.push(home);
    const argv = ['delete-store', DEMO_IDLE_STORE_ID, '--yes', '--output', 'json'];

    sb.setFaults({ dropAfterRate: { DeleteCustomKeyStore: 1 } });
    const first = await runKscli(sb, ports, home, argv);
    expect(first.code, first.stderr).toBe(1);
    expect(storeFacts(sb.model, DEMO_IDLE_STORE_ID).exists, 'AWS handled the delete').toBe(false);
    const journal = readJournal(journalPath(home, DEMO_IDLE_STORE_ID));
    expect(journal.filter((l) => l.operation === 'DeleteCustomKeyStore').map((l) => l.phase)).toEqual([
      'intent',
      'outcome',
    ]);

    sb.setFaults({});
    const again = await runKscli(sb, ports, home, argv);
    expect(again.code, `run again after a lost DeleteCustomKeyStore answer:\n${again.stderr}`).toBe(0);
    expect(again.stderr).not.toMatch(/not found/);
  });

  it('the same after a delete whose effect stayed invisible longer than kscli read back (stale reads, 10 s)', async () => {
    const sb = new InProcessSandbox();
    const ports = inProcessPorts(() => sb);
    const home = mkdtempSync(join(tmpdir(), 'kscli-conv-'));
    homes.push(home);
    const argv = ['delete-store', DEMO_IDLE_STORE_ID, '--yes', '--output', 'json'];

    sb.setFaults({ staleMs: { DeleteCustomKeyStore: 10_000 } });
    const first = await runKscli(sb, ports, home, argv);
    // kscli read the store back for ~7.5 s of (sandbox) time and still saw it: it says so, and to run again
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/run the same command again/);
    expect(storeFacts(sb.model, DEMO_IDLE_STORE_ID).exists).toBe(false);

    sb.setFaults({});
    const again = await runKscli(sb, ports, home, argv);
    expect(again.code, `run again after an unconfirmed DeleteCustomKeyStore:\n${again.stderr}`).toBe(0);
  });
});
