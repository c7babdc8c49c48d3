/**
 * The real prompter (Inquirer on the IO's streams): the three paths an operator can take.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inquirerPrompter } from '../../../src/ui/prompter.js';
import type { IO } from '../../../src/ui/io.js';
import { KscliError } from '../../../src/errors.js';

function ttyIO() {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (b: boolean) => void };
  input.isTTY = true;
  input.setRawMode = () => {};
  const output = new PassThrough();
  let err = '';
  output.on('data', (d) => (err += String(d)));
  const io: IO = {
    out: { write: () => true },
    err: output,
    in: input,
    isTTY: true,
    errIsTTY: true,
    color: false,
    canPrompt: () => true,
  };
  return { io, input, stderr: () => err };
}

const STORE = 'cks-0123456789abcdef0';

describe('inquirerPrompter.confirmDestructive', () => {
  it('typing the store ID returns true; the prompt goes to stderr', async () => {
    const { io, input, stderr } = ttyIO();
    const answer = inquirerPrompter(io).confirmDestructive({ expected: STORE, message: 'will delete things' });
    setTimeout(() => input.write(`${STORE}\r`), 50);
    await expect(answer).resolves.toBe(true);
    expect(stderr()).toMatch(/will delete things/);
    expect(stderr()).toMatch(new RegExp(`Type ${STORE} to continue`));
  });

  it('typing something else is exit 5 naming what was typed and what was expected, with no success mark', async () => {
    const { io, input, stderr } = ttyIO();
    const answer = inquirerPrompter(io).confirmDestructive({ expected: STORE, message: 'm' });
    setTimeout(() => input.write('yes\r'), 50);
    const err = await answer.catch((e) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(5);
    expect((err as KscliError).message).toBe(`you typed "yes"; expected the store ID ${STORE}; nothing was changed`);
    expect(stderr()).toContain('yes (does not match)');
    expect(stderr()).not.toContain('✔');
  });

  it('Ctrl-C rejects with a KscliError exit 5', async () => {
    const { io, input } = ttyIO();
    const answer = inquirerPrompter(io).confirmDestructive({ expected: STORE, message: 'm' });
    setTimeout(() => input.write('\u0003'), 50);
    const err = await answer.catch((e) => e);
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(5);
  });
});
