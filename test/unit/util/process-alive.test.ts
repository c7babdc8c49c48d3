import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/util/process-alive.js';

describe('isProcessAlive', () => {
  it('is true for a running process (this one)', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
  });

  it('is false for a process that has exited', () => {
    // a child that exited and was reaped: its pid names no process (until the system reuses it,
    // which takes a whole cycle of pids)
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.pid).toBeGreaterThan(0);
    expect(isProcessAlive(child.pid!)).toBe(false);
  });
});
