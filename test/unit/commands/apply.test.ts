/**
 * `--plan-out` and `kscli apply FILE` in-process against the fake account: the confirmation rules
 * (typed store ID, --yes, Ctrl-C), --dry-run on apply, Markdown without a file, the refusals that
 * need a crafted plan (another kscli version), and delete-store's phase ending.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorld, runCli, type World } from '../fakes/harness.js';
import { ScriptedPrompter } from '../fakes/prompter.js';
import { sealPlan, type PlanFile } from '../../../src/workflow/plan-file/index.js';

function world(prompter?: ScriptedPrompter) {
  const w = makeWorld({ prompter, tty: Boolean(prompter) });
  const s = w.account.addStore();
  const keys = [w.account.addKey({ store: s, state: 'Enabled' }), w.account.addKey({ store: s, state: 'Disabled' })];
  return { w, s, keys };
}

async function planOut(w: World, storeId: string, file: string, extra: string[] = []) {
  const r = await runCli(
    ['schedule-deletion', storeId, '--no-alarm', '--plan-out', file, '--output', 'json', ...extra],
    w,
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
}

const states = (w: World, ids: string[]) => ids.map((id) => (w.account as any).keys.get(id)?.state);

describe('kscli apply FILE: confirmation as for the command itself', () => {
  it('asks to type the store ID on a terminal, then applies exactly the plan', async () => {
    const { w, s, keys } = world(new ScriptedPrompter([]));
    const file = join(w.home, 'plan.json');
    await planOut(w, s.id, file);
    // the prompt is scripted with the right answer once the store ID is known
    w.prompter = new ScriptedPrompter([{ type: s.id }]);
    const r = await runCli(['apply', file, '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(w.prompter.asked).toHaveLength(1);
    expect(w.prompter.asked[0]!.message).toMatch(/schedule-deletion will make 2 change\(s\)/);
    expect(
      states(
        w,
        keys.map((k) => k.keyId),
      ),
    ).toEqual(['PendingDeletion', 'PendingDeletion']);
    expect(r.json().planFile.digest).toMatch(/^sha256:/);
  });

  it('a wrong answer or Ctrl-C cancels (exit 5), nothing changed', async () => {
    const { w, s, keys } = world(new ScriptedPrompter([]));
    const file = join(w.home, 'plan.json');
    await planOut(w, s.id, file);
    for (const answer of [{ type: 'cks-wrong' }, { ctrlC: true as const }]) {
      w.prompter = new ScriptedPrompter([answer]);
      const r = await runCli(['apply', file], w);
      expect(r.code, r.stderr).toBe(5);
      expect(
        states(
          w,
          keys.map((k) => k.keyId),
        ),
      ).toEqual(['Enabled', 'Disabled']);
    }
  });

  it('--dry-run checks everything, shows the plan and changes nothing (exit 0)', async () => {
    const { w, s, keys } = world();
    const file = join(w.home, 'plan.json');
    await planOut(w, s.id, file);
    const r = await runCli(['apply', file, '--dry-run', '--output', 'table'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/unchanged in AWS/);
    expect(r.stdout).toMatch(/dry run: nothing was changed/);
    expect(
      states(
        w,
        keys.map((k) => k.keyId),
      ),
    ).toEqual(['Enabled', 'Disabled']);
  });

  it('refused in JSON: outcome "refused" with every reason, exit 3', async () => {
    const { w, s, keys } = world();
    const file = join(w.home, 'plan.json');
    await planOut(w, s.id, file);
    await w.account.kms().enableKey(keys[1]!.keyId);
    const r = await runCli(['apply', file, '--yes', '--output', 'json'], w);
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({
      command: 'schedule-deletion',
      outcome: 'refused',
      reasons: [`key ${keys[1]!.keyId} was Disabled, is now Enabled`],
    });
    expect(
      states(
        w,
        keys.map((k) => k.keyId),
      ),
    ).toEqual(['Enabled', 'Enabled']);
  });

  it('a plan made by another kscli version is refused', async () => {
    const { w, s } = world();
    const file = join(w.home, 'plan.json');
    const plan = await planOut(w, s.id, file);
    const { digest: _d, ...rest } = plan;
    writeFileSync(file, JSON.stringify(sealPlan({ ...rest, kscliVersion: '0.0.1' })));
    const r = await runCli(['apply', file, '--yes'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the plan was made by kscli 0\.0\.1; this is kscli/);
  });

  it('a plan whose options name another store is refused', async () => {
    const { w, s } = world();
    const file = join(w.home, 'plan.json');
    const plan = await planOut(w, s.id, file);
    const { digest: _d, ...rest } = plan;
    writeFileSync(
      file,
      JSON.stringify(sealPlan({ ...rest, options: { ...rest.options, storeId: 'cks-00000000000000000' } })),
    );
    const r = await runCli(['apply', file, '--yes'], w);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the plan's options name store cks-00000000000000000/);
  });
});

describe('--output markdown on a mutating command', () => {
  it('with --dry-run: the review document, the digest on stderr, no file', async () => {
    const { w, s } = world();
    const r = await runCli(['schedule-deletion', s.id, '--no-alarm', '--dry-run', '--output', 'markdown'], w);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Change plan: schedule-deletion/);
    expect(r.stderr).toMatch(/plan digest: sha256:[0-9a-f]{64} \(not saved: add --plan-out <file> to save it\)/);
  });
  it('while applying: refused (exit 2), nothing changed', async () => {
    const { w, s, keys } = world();
    const r = await runCli(['schedule-deletion', s.id, '--no-alarm', '--yes', '--output', 'markdown'], w);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/add --dry-run or --plan-out/);
    expect(
      states(
        w,
        keys.map((k) => k.keyId),
      ),
    ).toEqual(['Enabled', 'Disabled']);
  });
});

describe('delete-store plans', () => {
  it('a keys-pending plan applies nothing and reports the next date (exit 8)', async () => {
    const w = makeWorld();
    const s = w.account.addStore();
    w.account.addKey({ store: s, state: 'PendingDeletion' });
    const file = join(w.home, 'plan.json');
    const made = await runCli(['delete-store', s.id, '--plan-out', file, '--output', 'json'], w);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).phase).toBe('keys-pending');
    const r = await runCli(['apply', file, '--yes', '--output', 'json'], w);
    expect(r.code, r.stderr).toBe(8);
    expect(r.json()).toMatchObject({ outcome: 'pending', phase: 'keys-pending' });
  });
});
