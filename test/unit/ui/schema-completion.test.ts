/**
 * Issue 23: TAB after `kscli schema` offers the schema names, taken from their one list
 * (src/schemas/names.ts SCHEMA_NAMES) through the argument's choices: a schema added there
 * completes without anyone editing the completion. A command name is still accepted (not offered),
 * and an unknown name refused by kscli, not commander: test/unit/schemas/schema-for.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { SCHEMA_NAMES } from '../../../src/schemas/names.js';
import { completionModel, completionScript } from '../../../src/ui/completion-script.js';
import { memoryIO } from '../../../src/ui/io.js';

const program = () => buildProgram({ io: memoryIO(), env: {}, globals: () => ({}) as never, setExitCode: () => {} });

describe('kscli schema <name> completion', () => {
  it('the model: the schema command offers exactly SCHEMA_NAMES for its argument', () => {
    const schema = completionModel(program()).commands.find((c) => c.name === 'schema');
    expect(schema?.argumentChoices).toEqual([...SCHEMA_NAMES]);
  });

  it('fish: the names under the schema command', () => {
    const fish = completionScript('fish', completionModel(program()));
    expect(fish).toContain(`complete -c kscli -n "__fish_seen_subcommand_from schema" -a '${SCHEMA_NAMES.join(' ')}'`);
  });

  it.runIf(spawnSync('bash', ['--version']).status === 0)(
    'bash: TAB after "kscli schema" offers them, and a prefix narrows them',
    () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kscli-schema-completion-')), 'kscli.bash');
      writeFileSync(file, completionScript('bash', completionModel(program())));
      const probe = [
        `source ${JSON.stringify(file)}`,
        't() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); _kscli; echo "${COMPREPLY[*]}"; }',
        "t kscli schema ''",
        't kscli schema sandbox-',
      ].join('\n');
      const r = spawnSync('bash', ['-c', probe], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const [all, sandbox] = r.stdout.split('\n');
      expect(all).toBe(SCHEMA_NAMES.join(' '));
      expect(sandbox).toBe(SCHEMA_NAMES.filter((n) => n.startsWith('sandbox-')).join(' '));
    },
  );
});
