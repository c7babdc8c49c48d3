/**
 * Issue 23: TAB completes the values of every fixed-value flag. The values come from the flag
 * definitions themselves (commander `argChoices`, set by `.choices()` or commands/fixed-values.ts),
 * so this test finds the fixed-value flags two ways and fails naming the one that does not complete:
 * - by definition: every option with choices, on every command, completes exactly those choices;
 * - by behaviour: a flag whose parser refuses values outside a set ("--x "..." must be one of ...",
 *   anywhere in src/) must declare that set as its choices, or TAB would offer nothing for it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { completionModel, completionScript } from '../../../src/ui/completion-script.js';
import { memoryIO } from '../../../src/ui/io.js';

const program = () => buildProgram({ io: memoryIO(), env: {}, globals: () => ({}) as never, setExitCode: () => {} });

interface Placed {
  /** the command words before the flag: [] for a global flag, ['sandbox', 'reset'] for a subcommand's */
  path: string[];
  option: Option;
}

/** Every visible option of every visible command, with where it is typed. */
function allOptions(root: Command): Placed[] {
  const out: Placed[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const help = cmd.createHelp();
    for (const option of help.visibleOptions(cmd)) out.push({ path, option });
    for (const sub of help.visibleCommands(cmd)) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(root, []);
  return out;
}

const label = (p: Placed) => ['kscli', ...p.path, p.option.long].join(' ');

/** The flags whose parsers refuse a value outside a fixed set, found in the source's error messages. */
function flagsCheckedAgainstASet(dir: string): Set<string> {
  const found = new Set<string>();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) {
      for (const f of flagsCheckedAgainstASet(file)) found.add(f);
    } else if (name.endsWith('.ts')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(--[a-z][a-z-]+)\b[^\n]{0,40}must be one of/g))
        found.add(m[1]!);
    }
  }
  return found;
}

describe('completion of fixed-value flags (issue 23)', () => {
  const options = allOptions(program());
  const withChoices = options.filter((p) => p.option.argChoices?.length);

  it('every flag whose parser accepts only a fixed set declares that set (so TAB can offer it)', () => {
    const checked = flagsCheckedAgainstASet(join(__dirname, '../../../src'));
    // the scan itself works: the flags known today are among those it finds
    expect([...checked]).toEqual(expect.arrayContaining(['--evidence', '--dependents']));
    const missing = options
      .filter((p) => p.option.long && checked.has(p.option.long) && !p.option.argChoices?.length)
      .map(label);
    expect(missing, 'fixed-value flags without choices (use withFixedValues or .choices())').toEqual([]);
  });

  it('the flags with fixed values include --output, --scenario, --evidence and --dependents on every command that has them', () => {
    const names = new Set(withChoices.map((p) => p.option.long));
    for (const flag of ['--output', '--scenario', '--evidence', '--dependents']) expect(names, flag).toContain(flag);
    for (const cmd of ['usage', 'schedule-deletion', 'delete-store'])
      for (const flag of ['--evidence', '--dependents'])
        expect(withChoices.map(label), `${cmd} ${flag}`).toContain(`kscli ${cmd} ${flag}`);
  });

  it('fish: every flag with fixed values completes exactly them, under its command', () => {
    const fish = completionScript('fish', completionModel(program()));
    for (const p of withChoices) {
      const values = p.option.argChoices!.join(' ');
      const condition = p.path.length ? `__fish_seen_subcommand_from ${p.path.at(-1)}"` : 'complete -c kscli';
      const line = fish.split('\n').find((l) => l.includes(condition) && l.includes(` -l ${p.option.long!.slice(2)} `));
      expect(line, label(p)).toBeDefined();
      expect(line, label(p)).toContain(`-x -a '${values}'`);
    }
  });

  it.runIf(spawnSync('bash', ['--version']).status === 0)(
    'bash: TAB after every flag with fixed values offers exactly them',
    () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kscli-fixed-values-')), 'kscli.bash');
      writeFileSync(file, completionScript('bash', completionModel(program())));
      // a store ID where the command takes one, so the flag comes after it as a user types it
      const line = (p: Placed) => [
        'kscli',
        ...p.path,
        ...(p.path.length === 1 ? ['cks-1234567890abcdef0'] : []),
        p.option.long!,
        "''",
      ];
      const probe = [
        `source ${JSON.stringify(file)}`,
        'kscli() { :; }',
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _kscli; echo "${COMPREPLY[*]}"; }',
        ...withChoices.map((p) => `t ${line(p).join(' ')}`),
      ].join('\n');
      const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const got = r.stdout.split('\n').slice(0, withChoices.length);
      withChoices.forEach((p, i) => expect(got[i], label(p)).toBe(p.option.argChoices!.join(' ')));
    },
  );
});
