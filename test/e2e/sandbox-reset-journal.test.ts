/**
 * `sandbox reset` starts a fresh journal for the sandbox (issue 23): the journals of the sandbox's
 * accounts move aside, so that a later rehearsal's "since" dates and key-seen records never come
 * from an earlier one; a real account's journal stays where it is.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, createWorkspace, DEMO, expectExit, runKscli, type Workspace } from './helpers/index.js';

let ws: Workspace;
let statePath: string;
const env = () => ({ PATH: process.env.PATH, HOME: ws.home, NO_COLOR: '1', KSCLI_SANDBOX_STATE: statePath });
const sandboxJournal = () => join(ws.journalDir, `${DEMO.account}-us-east-1-${DEMO.hsmStore}.jsonl`);
const realJournal = () => join(ws.journalDir, `999988887777-us-east-1-${DEMO.hsmStore}.jsonl`);

beforeAll(() => {
  assertBuilt();
  ws = createWorkspace('sandbox-reset-journal');
  statePath = join(ws.dir, 'state.json');
});
afterAll(() => ws?.remove());

describe('sandbox reset: a fresh journal', () => {
  it('a rehearsal writes the sandbox account journal', async () => {
    const r = await runKscli(['find-keys', DEMO.hsmStore, '--sandbox', '--output', 'json'], { env: env() });
    expectExit(r, 0);
    expect(readFileSync(sandboxJournal(), 'utf8')).toContain('"key-seen"');
    mkdirSync(ws.journalDir, { recursive: true });
    writeFileSync(realJournal(), '{"type":"key-seen"}\n');
  });

  it('reset moves the sandbox journal aside (and says where), leaving a real account journal alone', async () => {
    const r = await runKscli(['sandbox', 'reset', '--output', 'json'], { env: env() });
    expectExit(r, 0);
    const moved = r.json().journalArchived;
    expect(moved.files).toEqual([`${DEMO.account}-us-east-1-${DEMO.hsmStore}.jsonl`]);
    expect(existsSync(sandboxJournal())).toBe(false);
    expect(readdirSync(moved.dir)).toEqual(moved.files);
    expect(existsSync(realJournal())).toBe(true);
    const table = await runKscli(['sandbox', 'reset'], { env: env() });
    expectExit(table, 0);
    // nothing left to move: no line about it
    expect(table.stdout).not.toContain('fresh journal');
  });

  it('the next rehearsal starts from an empty journal: its key-seen lines are all new', async () => {
    const r = await runKscli(['find-keys', DEMO.hsmStore, '--sandbox', '--output', 'json'], { env: env() });
    expectExit(r, 0);
    const lines = readFileSync(sandboxJournal(), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(Object.keys(DEMO.keys).length);
  });
});
