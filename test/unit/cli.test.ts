import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli.js';
import { memoryIO } from '../../src/ui/io.js';

describe('cli skeleton', () => {
  it('prints the version from package.json', async () => {
    const io = memoryIO();
    const code = await run(['--version'], { io, env: {} });
    expect(code).toBe(0);
    expect(io.stdout().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('rejects an unknown flag with exit code 2', async () => {
    const io = memoryIO();
    const code = await run(['--bogus'], { io, env: {} });
    expect(code).toBe(2);
    expect(io.stderr()).toContain("unknown option '--bogus'");
  });
});
