import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram, run } from '../../../src/cli.js';
import { memoryIO } from '../../../src/ui/io.js';
import { completionModel, completionScript, SHELLS } from '../../../src/ui/completion-script.js';

async function script(shell: string): Promise<string> {
  const io = memoryIO();
  expect(await run(['completion', shell], { io, env: {} })).toBe(0);
  return io.stdout();
}

const program = () => buildProgram({ io: memoryIO(), env: {}, globals: () => ({}) as never, setExitCode: () => {} });
const has = (cmd: string) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;

describe('kscli completion <shell>', () => {
  const commands = program()
    .commands.filter((c) => !c.name().startsWith('__'))
    .map((c) => c.name());

  it.each(SHELLS)('%s: the script mentions every command, and no hidden one', async (shell) => {
    const text = await script(shell);
    expect(commands.length).toBeGreaterThan(10);
    for (const name of commands) expect(text, name).toMatch(new RegExp(`\\b${name}\\b`));
    expect(text).not.toMatch(/\b__complete-stores\b.*-a/); // the hidden command is called, never offered
    expect(text).toContain('__complete-stores');
  });

  it('is derived from the program: a command or flag added to it completes without editing a list', () => {
    const p = program();
    p.command('brand-new').argument('<storeId>').option('--shiny <level>', 'how shiny').description('a new command');
    const model = completionModel(p);
    const added = model.commands.find((c) => c.name === 'brand-new')!;
    expect(added).toMatchObject({ takesStoreId: true, flags: [{ flag: '--shiny', takesValue: true }] });
    for (const shell of SHELLS) expect(completionScript(shell, model)).toContain('shiny');
  });

  it('refuses an unknown shell (exit 2)', async () => {
    const io = memoryIO();
    expect(await run(['completion', 'tcsh'], { io, env: {} })).toBe(2);
    expect(io.stderr()).toMatch(/bash, zsh, fish/);
  });

  it.runIf(has('bash'))('bash: the script parses and completes commands, flags, choices and store IDs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kscli-completion-'));
    const file = join(dir, 'kscli.bash');
    writeFileSync(file, await script('bash'));
    const probe = `
      source ${JSON.stringify(file)}
      # the store lookup: record what it is given, answer two IDs
      kscli() { echo "$*" > ${JSON.stringify(join(dir, 'lookup-args'))}; printf 'cks-11111111111111111\\ncks-1234567890abcdef0\\n'; }
      t() { COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); COMPREPLY=(); _kscli; echo "\${COMPREPLY[*]}"; }
      t kscli sch
      t kscli --output ''
      t kscli --region eu-west-1 --sandbox find-keys cks-12
      t kscli delete-store --exclude-k
      t kscli sandbox ''
      t kscli find-keys --key ''
      cat ${JSON.stringify(join(dir, 'lookup-args'))}
    `;
    const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'schedule-deletion schema',
      'table json markdown csv',
      'cks-1234567890abcdef0',
      '--exclude-key',
      'serve reset advance status',
      '', // a flag's value is not a store ID
      '__complete-stores --region eu-west-1 --sandbox',
      '',
    ]);
  });

  it.runIf(has('zsh'))('zsh: the script parses', async () => {
    const r = spawnSync('zsh', ['-n'], { input: await script('zsh'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it.runIf(has('fish'))('fish: the script parses', async () => {
    const r = spawnSync('fish', ['-n'], { input: await script('fish'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});
