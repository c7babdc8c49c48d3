import { describe, expect, it } from 'vitest';
import { ExitCode, fromSandboxError, KscliError } from '../../src/errors.js';
import { SandboxRunError } from '../../src/sandbox/errors.js';
import { reportError } from '../../src/cli.js';
import { memoryIO } from '../../src/ui/io.js';

describe('the sandbox error at the CLI edge', () => {
  it('maps bad-input to exit 2 and failure to exit 1, keeping message and hint', () => {
    const bad = fromSandboxError(
      new SandboxRunError('bad-input', 'cannot listen on 127.0.0.1:80', 'choose another --port'),
    ) as KscliError;
    expect([bad.exitCode, bad.message, bad.hint]).toEqual([
      ExitCode.BadInput,
      'cannot listen on 127.0.0.1:80',
      'choose another --port',
    ]);
    const failure = fromSandboxError(new SandboxRunError('failure', 'the sandbox state /x is locked')) as KscliError;
    expect(failure.exitCode).toBe(ExitCode.Failure);
  });

  it('passes other errors through untouched', () => {
    const other = new Error('boom');
    expect(fromSandboxError(other)).toBe(other);
  });

  it('reportError prints a sandbox error as one line plus the hint, with its exit code', () => {
    const io = memoryIO();
    expect(
      reportError(
        new SandboxRunError(
          'bad-input',
          'the sandbox state file /s is corrupt (x)',
          'run: kscli sandbox reset --state /s',
        ),
        io,
        false,
      ),
    ).toBe(2);
    expect(io.stderr()).toBe(
      'kscli: the sandbox state file /s is corrupt (x)\n  run: kscli sandbox reset --state /s\n',
    );
  });
});
