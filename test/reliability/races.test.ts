/**
 * Issue 6 item 2: races. Between plan and apply a colleague, with a direct call to the sandbox,
 * creates a key in the store, cancels a deletion, disconnects the store, or a key is deleted (its
 * waiting period ends). kscli must notice on its re-check and act on the world as it is, saying so.
 *
 * The window is hit deterministically: kscli runs in-process (helpers/kscli-in-process.ts) on an
 * interactive terminal, and the colleague acts INSIDE the confirmation prompt, i.e. after the plan
 * was computed and shown and before the first mutating call. "Mid-batch" races act between two
 * mutating calls of kscli instead. Each run is also checked against every safety invariant
 * (helpers/invariants.ts). test/reliability/races.e2e.test.ts hits one window with the built binary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_KEYS, DEMO_STORE_ID } from '../../src/sandbox/model/index.js';
import { InProcessSandbox, inProcessPorts } from './helpers/in-process-sandbox.js';
import { journalPath, readJournal, runKscli, type KscliResult, type RunOptions } from './helpers/kscli-in-process.js';
import { runViolations } from './helpers/invariants.js';
import { keyFacts, runStart, storeFacts } from './helpers/world.js';

const DAY = 86_400_000;
const STORE = DEMO_STORE_ID;
const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

let current: InProcessSandbox;
const ports = inProcessPorts(() => current);

/** One account, one operator's HOME, and kscli runs checked against the invariants. */
function world() {
  const sb = new InProcessSandbox({ config: { disconnectMs: 2000, connectMs: 3000 } });
  current = sb;
  const home = mkdtempSync(join(tmpdir(), 'kscli-race-'));
  homes.push(home);
  let journalSeen = 0;
  let requestsSeen = 0;
  let runNo = 0;
  const kscli = async (argv: string[], opts: RunOptions = {}): Promise<KscliResult & { kscliMutations: string[] }> => {
    runNo += 1;
    sb.run = runNo;
    const start = runStart(sb.model, STORE);
    const result = await runKscli(sb, ports, home, [...argv, '--output', 'json'], opts);
    const journal = readJournal(journalPath(home, STORE));
    const requests = sb.requests.slice(requestsSeen);
    const violations = runViolations(
      {
        run: runNo,
        argv,
        storeId: STORE,
        result,
        journal: journal.slice(journalSeen),
        journalSoFar: journal,
        requests,
        faulted: requests.some((r) => r.caller === 'actor'),
        allRequests: sb.requests,
        onTerminal: opts.onPrompt !== undefined,
        promptAt: result.promptAt === undefined ? undefined : result.promptAt - requestsSeen,
        start,
        refusedPrompt: result.refused,
      },
      sb.model,
    );
    journalSeen = journal.length;
    requestsSeen = sb.requests.length;
    expect(violations, `${argv.join(' ')}\n${result.stderr}`).toEqual([]);
    const kscliMutations = requests
      .filter((r) => r.caller === 'kscli' && r.mutating)
      .map(
        (r) =>
          `${r.operation} ${String(r.params?.KeyId ?? r.params?.CustomKeyStoreId ?? r.params?.filterName ?? r.params?.AlarmName)}`,
      );
    return { ...result, kscliMutations };
  };
  /** the colleague types at the prompt's moment: after the plan, before the first mutating call */
  const duringPrompt = (act: () => void): RunOptions => ({ onPrompt: act });
  const colleague = (op: string, input: Record<string, unknown>) => sb.actor(op, input);
  return { sb, home, kscli, duringPrompt, colleague };
}

const DELETE = ['delete-store', STORE, '--allow-in-use', '--allow-data-loss'];
const scheduled = (r: { kscliMutations: string[] }) =>
  r.kscliMutations.filter((m) => m.startsWith('ScheduleKeyDeletion')).map((m) => m.split(' ')[1]);

/** Every key of the demo store scheduled and deleted: the next delete-store disconnects and deletes. */
async function toDeletePhase(w: ReturnType<typeof world>): Promise<void> {
  expect((await w.kscli([...DELETE, '--yes'])).code).toBe(8);
  w.sb.advance(31 * DAY);
  expect(storeFacts(w.sb.model, STORE).keyIds).toEqual([]);
}

describe('races between plan and apply (issue 6 item 2)', () => {
  it('a key created in the store while the plan is on screen is not scheduled unconfirmed, and the run says so', async () => {
    const w = world();
    let created = '';
    const r = await w.kscli(
      DELETE,
      w.duringPrompt(() => {
        created =
          ((w.colleague('CreateKey', { CustomKeyStoreId: STORE, Origin: 'AWS_CLOUDHSM' }) as any).KeyMetadata
            .KeyId as string) ?? '';
      }),
    );
    expect(r.prompted).toBe(true);
    expect(r.code, r.stderr).toBe(8);
    expect(scheduled(r).sort()).toEqual(
      [DEMO_KEYS.unusedA, DEMO_KEYS.unusedB, DEMO_KEYS.used, DEMO_KEYS.disabled].sort(),
    );
    expect(keyFacts(w.sb.model, created).state).toBe('Enabled');
    expect(r.stderr).toContain(created);
    expect(r.json?.changedSincePlan).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyId: created, change: 'created' })]),
    );
    // the next run plans it; the job still finishes
    const next = await w.kscli([...DELETE, '--yes']);
    expect(next.code).toBe(8);
    expect(scheduled(next)).toEqual([created]);
    w.sb.advance(31 * DAY);
    expect((await w.kscli([...DELETE, '--yes'])).code).toBe(0);
  });

  it('a key created in the store between the plan and the disconnect blocks the disconnect and the delete (exit 3)', async () => {
    const w = world();
    await toDeletePhase(w);
    let created = '';
    const r = await w.kscli(
      DELETE,
      w.duringPrompt(() => {
        created = (w.colleague('CreateKey', { CustomKeyStoreId: STORE, Origin: 'AWS_CLOUDHSM' }) as any).KeyMetadata
          .KeyId as string;
      }),
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.kscliMutations).toEqual([]);
    expect(r.stderr).toMatch(/stopped/);
    expect(r.stderr).toMatch(/Enabled|key/);
    expect(storeFacts(w.sb.model, STORE)).toMatchObject({ exists: true, state: 'CONNECTED' });
    expect(keyFacts(w.sb.model, created).state).toBe('Enabled');
  });

  it('a deletion cancelled by a colleague while cancel-deletion shows its plan is skipped, saying so', async () => {
    const w = world();
    // a second pending key, so the plan has two cancels
    w.colleague('ScheduleKeyDeletion', { KeyId: DEMO_KEYS.unusedB, PendingWindowInDays: 30 });
    const r = await w.kscli(
      ['cancel-deletion', STORE],
      w.duringPrompt(() => w.colleague('CancelKeyDeletion', { KeyId: DEMO_KEYS.unusedB })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.kscliMutations).toEqual([`CancelKeyDeletion ${DEMO_KEYS.pending}`]);
    expect(r.stderr).toContain(DEMO_KEYS.unusedB);
    expect(r.stderr).toMatch(/changed since the plan/);
    const line = (r.json?.plan as any[]).find((p) => p.target === DEMO_KEYS.unusedB);
    expect(line).toMatchObject({ result: 'skipped' });
    const journal = readJournal(journalPath(w.home, STORE));
    expect(journal).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          operation: 'CancelKeyDeletion',
          target: DEMO_KEYS.unusedB,
          phase: 'outcome',
          outcome: 'skipped',
        }),
      ]),
    );
  });

  it('a deletion cancelled while delete-store shows its plan is reported, and not claimed as still pending', async () => {
    const w = world();
    const r = await w.kscli(
      DELETE,
      w.duringPrompt(() => w.colleague('CancelKeyDeletion', { KeyId: DEMO_KEYS.pending })),
    );
    expect(r.code, r.stderr).toBe(8);
    // a colleague's cancel is deliberate: kscli does not schedule the key again in the same run
    expect(scheduled(r)).not.toContain(DEMO_KEYS.pending);
    expect(keyFacts(w.sb.model, DEMO_KEYS.pending).state).toBe('Disabled');
    expect(r.json?.changedSincePlan).toEqual(
      expect.arrayContaining([expect.objectContaining({ keyId: DEMO_KEYS.pending, change: 'deletion-cancelled' })]),
    );
    // the pending list the operator acts on must match AWS: the cancelled key does not wait for deletion
    const left = (r.json?.keysLeft as Array<{ keyId: string; state: string }>) ?? [];
    expect(
      left.filter((k) => k.keyId === DEMO_KEYS.pending && k.state === 'PendingDeletion'),
      'keysLeft claims a cancelled key is PendingDeletion',
    ).toEqual([]);
  });

  it('the store disconnected by a colleague while the plan is on screen blocks every ScheduleKeyDeletion (exit 3)', async () => {
    const w = world();
    const r = await w.kscli(
      DELETE,
      w.duringPrompt(() => w.colleague('DisconnectCustomKeyStore', { CustomKeyStoreId: STORE })),
    );
    expect(r.code, r.stderr).toBe(3);
    expect(scheduled(r)).toEqual([]);
    expect(r.stderr).toMatch(/stopped/);
    expect(r.stderr).toMatch(/DISCONNECT/);
    expect(r.stderr).toMatch(/--allow-disconnected/);
  });

  it('the store disconnected by a colleague between two ScheduleKeyDeletion calls blocks the rest of the batch', async () => {
    const w = world();
    // the alarm's PutMetricFilter and PutMetricAlarm come first: act after the first key's call
    const r = await w.kscli([...DELETE, '--yes', '--no-alarm'], {
      midBatch: { after: 1, act: () => w.colleague('DisconnectCustomKeyStore', { CustomKeyStoreId: STORE }) },
    });
    // the invariant check of w.kscli (S4) already failed if a key was scheduled on the disconnected store
    expect(scheduled(r)).toHaveLength(1);
    expect(r.code, r.stderr).toBe(3);
  });

  it('a key scheduled by a colleague while disconnect-store shows its plan blocks the disconnect (its material would be orphaned)', async () => {
    const w = world();
    w.colleague('CancelKeyDeletion', { KeyId: DEMO_KEYS.pending });
    const r = await w.kscli(
      ['disconnect-store', STORE, '--force'],
      w.duringPrompt(() => w.colleague('ScheduleKeyDeletion', { KeyId: DEMO_KEYS.unusedA, PendingWindowInDays: 7 })),
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.kscliMutations).toEqual([]);
    expect(r.stderr).toMatch(/pending deletion/);
    expect(r.stderr).toMatch(/--allow-orphaned-material/);
    expect(storeFacts(w.sb.model, STORE).state).toBe('CONNECTED');
  });

  it('a key deleted (its waiting period ended) while cancel-deletion shows its plan is skipped, saying so', async () => {
    const w = world();
    const r = await w.kscli(
      ['cancel-deletion', STORE, '--key', DEMO_KEYS.pending],
      w.duringPrompt(() => w.sb.advance(6 * DAY)),
    );
    expect(keyFacts(w.sb.model, DEMO_KEYS.pending).exists).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.kscliMutations).toEqual([]);
    expect(r.stderr).toMatch(/no longer exists/);
    expect((r.json?.plan as any[]).find((p) => p.target === DEMO_KEYS.pending)).toMatchObject({ result: 'skipped' });
  });

  it('a store disconnected by a colleague while the delete phase is on screen: kscli waits for DISCONNECTED and deletes, without a second disconnect', async () => {
    const w = world();
    await toDeletePhase(w);
    const r = await w.kscli(
      DELETE,
      w.duringPrompt(() => w.colleague('DisconnectCustomKeyStore', { CustomKeyStoreId: STORE })),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.kscliMutations).toEqual([`DeleteCustomKeyStore ${STORE}`]);
    expect(r.stderr).toMatch(/changed since the plan/);
    expect(storeFacts(w.sb.model, STORE).exists).toBe(false);
  });
});
