import { describe, expect, it } from 'vitest';
import { makeWorld, runCli } from '../fakes/harness.js';

describe('--help', () => {
  it.each([
    'stores',
    'find-keys',
    'schedule-deletion',
    'cancel-deletion',
    'disconnect-store',
    'delete-store',
    'backups',
    'orphans',
  ])('%s --help shows an example and makes no AWS call', async (cmd) => {
    const w = makeWorld();
    const r = await runCli([cmd, '--help'], w);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:\n\s+kscli /);
    expect(w.account.calls).toEqual([]);
  });
  it('the evidence flags are on schedule-deletion and delete-store', async () => {
    for (const cmd of ['schedule-deletion', 'delete-store']) {
      const r = await runCli([cmd, '--help'], makeWorld());
      for (const flag of [
        '--allow-in-use',
        '--allow-unknown-usage',
        '--no-alarm',
        '--sns-topic-arn',
        '--log-group',
        '--days',
        '--unused-days',
      ])
        expect(r.stdout).toContain(flag);
    }
  });
});
