/**
 * Issue 6 item 3: two operators at once. A second kscli on the same store and account refuses to
 * mutate while the first one runs (exit 3, naming the holder's pid and start time); a lock whose
 * process is gone is taken over, with a message. Built binary against `kscli sandbox serve`; the
 * first run is held in its apply phase by a slow ScheduleKeyDeletion (2.5 s per call).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startE2E, type E2E } from '../e2e/helpers/index.js';
import { HSM_STORE, readJournal, setFaults, storeStatus, waitFor } from './helpers/e2e-world.js';

const LOCK_NAME = `${DEMO.account}-${DEMO.region}-${HSM_STORE}.lock`;

/** A pid that surely belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('two operators on one store (issue 6 item 3)', () => {
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E('lock', {}, { runner: 'child' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(
    'a second kscli refuses to mutate while the first applies (exit 3, holder pid and start time), and changes nothing',
    { timeout: 120_000 },
    async () => {
      await setFaults(t, { slowMs: { ScheduleKeyDeletion: 2500 } });
      const lockFile = join(t.ws.lockDir, LOCK_NAME);
      let firstPid = 0;
      const first = t.kscli(
        ['delete-store', HSM_STORE, '--yes', '--output', 'json', '--allow-in-use', '--allow-data-loss'],
        {
          timeoutMs: 90_000,
          onSpawn: (pid) => (firstPid = pid),
        },
      );
      const holder = await waitFor(
        'the first run to take the lock',
        async () =>
          existsSync(lockFile) && (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; startedAt: string }),
        30_000,
      );
      expect(holder.pid).toBe(firstPid);
      expect(holder.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(statSync(lockFile).mode & 0o777).toBe(0o600);

      // the second operator, same store, same account, while the first is mid-batch
      const second = await t.kscli([
        'schedule-deletion',
        HSM_STORE,
        '--yes',
        '--output',
        'json',
        '--allow-in-use',
        '--allow-data-loss',
        '--no-alarm',
      ]);
      expect(second.code, second.describe()).toBe(3);
      expect(second.stderr).toContain(String(firstPid));
      expect(second.stderr).toContain(holder.startedAt);
      // a read-only look is never locked out
      const look = await t.kscli([
        'delete-store',
        HSM_STORE,
        '--dry-run',
        '--output',
        'json',
        '--allow-in-use',
        '--allow-data-loss',
      ]);
      expect(look.code, look.describe()).toBe(0);

      const r = await first;
      expect(r.code, r.describe()).toBe(8);
      await setFaults(t, {});
      expect(existsSync(lockFile), 'the lock is released when the run ends').toBe(false);
      // the second run made no mutating call: each key was scheduled exactly once, by the first run,
      // and the journal has no apply of the second command
      const schedules = t.sandbox.requests().filter((q) => q.operation === 'ScheduleKeyDeletion');
      expect(schedules.map((q) => q.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
      const journal = readJournal(t, HSM_STORE) as Array<{ command?: string; phase?: string }>;
      expect(journal.filter((l) => l.command === 'schedule-deletion' && l.phase !== undefined)).toEqual([]);
      expect((await storeStatus(t, HSM_STORE))?.keyStates.PendingDeletion).toBe(5);
    },
  );

  it('a lock left by a process that is gone is taken over, with a message naming it', { timeout: 60_000 }, async () => {
    const lockFile = join(t.ws.lockDir, LOCK_NAME);
    mkdirSync(t.ws.lockDir, { recursive: true });
    const gone = deadPid();
    const startedAt = '2026-11-01T08:00:00.000Z';
    writeFileSync(lockFile, JSON.stringify({ pid: gone, startedAt, hostname: hostname(), command: 'delete-store' }), {
      mode: 0o600,
    });
    const r = await t.kscli(['cancel-deletion', HSM_STORE, '--yes', '--output', 'json', '--key', DEMO.keys.unusedA]);
    expect(r.code, r.describe()).toBe(0);
    expect(r.stderr).toMatch(/took over the lock/);
    expect(r.stderr).toContain(String(gone));
    expect(r.stderr).toContain(startedAt);
    expect(existsSync(lockFile)).toBe(false);
    expect(
      t.sandbox
        .requests()
        .filter((q) => q.operation === 'CancelKeyDeletion')
        .map((q) => q.outcome),
    ).toEqual(['ok']);
  });

  it(
    'a lock held on another host is not taken over (its process cannot be checked from here)',
    { timeout: 60_000 },
    async () => {
      const lockFile = join(t.ws.lockDir, LOCK_NAME);
      writeFileSync(
        lockFile,
        JSON.stringify({
          pid: 4242,
          startedAt: '2026-11-01T08:00:00.000Z',
          hostname: 'bastion-2.example.com',
          command: 'delete-store',
        }),
        { mode: 0o600 },
      );
      const before = t.sandbox.mark();
      const r = await t.kscli(['cancel-deletion', HSM_STORE, '--yes', '--output', 'json', '--key', DEMO.keys.unusedB]);
      expect(r.code, r.describe()).toBe(3);
      expect(r.stderr).toContain('bastion-2.example.com');
      expect(t.sandbox.requestsSince(before).filter((q) => q.mutating)).toEqual([]);
      expect(existsSync(lockFile), "the other host's lock is left alone").toBe(true);
    },
  );
});
