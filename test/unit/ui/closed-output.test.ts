/** ui/closed-output.ts: which errors mean "the reader went away", which command a run is, and the mutating list. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isOutputGone, watchClosedOutput } from '../../../src/ui/closed-output.js';
import { commandOf } from '../../../src/commands/argv.js';
import { MUTATING_COMMANDS } from '../../../src/commands/catalog.js';

describe('closed output', () => {
  it('EPIPE, EIO and a destroyed stream mean the reader went away; ENOSPC does not', () => {
    for (const code of ['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED'])
      expect(isOutputGone(Object.assign(new Error(code), { code }))).toBe(true);
    expect(isOutputGone(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe(false);
  });

  it('the command is the first word that is not an option or an option value', () => {
    expect(commandOf(['--endpoint-url', 'http://x', '--output', 'json', 'delete-store', 'cks-1'])).toBe('delete-store');
    expect(commandOf(['--region=us-east-1', '-y', 'stores'])).toBe('stores');
    expect(commandOf(['--help'])).toBeUndefined();
    // one scanner with schemaFor: --plan-out's value is not the command, --max-rps takes Op=N words
    expect(commandOf(['--plan-out', 'p.json', 'delete-store', 'cks-1'])).toBe('delete-store');
    expect(commandOf(['--max-rps', 'DescribeKey=5', 'ListKeys=2', 'stores'])).toBe('stores');
  });

  it('every command that goes through the plan runner is in the mutating list', () => {
    const dir = join(import.meta.dirname, '../../../src/commands');
    const verbs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const source = (verb: string) =>
      readdirSync(join(dir, verb))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => readFileSync(join(dir, verb, f), 'utf8'))
        .join('\n');
    const mutating = verbs.filter((v) => /definePlanCommand\(/.test(source(v)));
    expect(mutating.length).toBeGreaterThan(4);
    for (const verb of mutating) expect(MUTATING_COMMANDS.has(verb), verb).toBe(true);
  });

  it('onGone is called once, on the first EPIPE of either stream; other errors still surface', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let calls = 0;
    watchClosedOutput([out, err], () => calls++);
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    err.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(calls).toBe(1);
    const surfaced = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    out.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    expect(((await surfaced) as NodeJS.ErrnoException).code).toBe('ENOSPC');
  });
});
