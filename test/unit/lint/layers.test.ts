/**
 * The layer rules (eslint.config.js, eslint/layers.js) fire on planted violations: a file of an
 * in-memory source, linted by ESLint's Node API with the project's own config, as if it sat at the
 * given path. Each rule is shown firing for a static import and for a dynamic import(), and the
 * allowed direction is shown passing.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

async function layerMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.filter((m) => m.ruleId === 'kscli/layers').map((m) => m.message);
}

describe('layer rules', { timeout: 60_000 }, () => {
  it.each([
    [
      'ui never imports commands (static)',
      'src/ui/render/planted.ts',
      "import type { AlarmOptions } from '../../commands/alarm/run.js';\nexport type X = AlarmOptions;\n",
      /ui never imports commands/,
    ],
    [
      'ui never imports commands (dynamic import())',
      'src/ui/render/planted.ts',
      "export const load = () => import('../../commands/alarm/run.js');\n",
      /ui never imports commands/,
    ],
    [
      'ui never re-exports commands',
      'src/ui/planted.ts',
      "export { default } from '../commands/alarm/command.js';\n",
      /ui never imports commands/,
    ],
    [
      'the workflow never imports ui (static)',
      'src/workflow/plan-runner/planted.ts',
      "import { evidenceProgress } from '../../ui/query-progress.js';\nexport const p = evidenceProgress;\n",
      /the workflow never imports ui/,
    ],
    [
      'the workflow never imports ui (dynamic import())',
      'src/workflow/planted.ts',
      "export const load = () => import('../ui/prompter.js');\n",
      /the workflow never imports ui/,
    ],
    [
      'the workflow never imports commands (dynamic import())',
      'src/workflow/planted.ts',
      "export const load = () => import('../commands/catalog.js');\n",
      /the workflow never imports commands/,
    ],
    [
      'the workflow never imports commander (dynamic import())',
      'src/workflow/planted.ts',
      "export const load = () => import('commander');\n",
      /never imports commander/,
    ],
    [
      'the schemas never import commands (issue 17: the descriptors hand them the command lists)',
      'src/schemas/planted.ts',
      "import { PLAN_COMMANDS } from '../commands/catalog.js';\nexport const c = PLAN_COMMANDS;\n",
      /the schemas import no commands/,
    ],
    [
      'the schemas never import the AWS adapters (dynamic import())',
      'src/schemas/planted.ts',
      "export const load = () => import('../aws/kms.js');\n",
      /the schemas import no commands, ui or AWS/,
    ],
    [
      'src/input loads no workflow module (the --help path)',
      'src/input/planted.ts',
      "import { parseRegions } from '../workflow/estate/runner.js';\nexport const p = parseRegions;\n",
      /src\/input parses argv/,
    ],
    [
      'src/input loads no ui (dynamic import())',
      'src/input/planted.ts',
      "export const load = () => import('../ui/render/output.js');\n",
      /src\/input parses argv/,
    ],
  ])('%s', async (_name, path, code, message) => {
    const messages = await layerMessages(path, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it('src/input may share a workflow type: `import type` loads nothing', async () => {
    expect(
      await layerMessages(
        'src/input/planted.ts',
        "import type { RegionSelection } from '../workflow/estate/runner.js';\nexport type R = RegionSelection;\n",
      ),
    ).toEqual([]);
  });

  it('the allowed directions pass: commands import ui and workflow; ui imports workflow', async () => {
    expect(
      await layerMessages(
        'src/commands/planted.ts',
        "export const a = () => import('../ui/render/output.js');\nexport const b = () => import('../workflow/plan-runner/index.js');\n",
      ),
    ).toEqual([]);
    expect(
      await layerMessages(
        'src/ui/render/planted.ts',
        "export type { StoresResult } from '../../workflow/results.js';\n",
      ),
    ).toEqual([]);
  });
});

describe('no ICU in the product (src/util/text-order.ts)', { timeout: 60_000 }, () => {
  const restricted = async (code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'src/workflow/planted.ts') });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-properties').map((m) => m.message);
  };
  it('localeCompare and toLocaleString are refused, naming the replacement', async () => {
    expect(await restricted("export const s = ['b', 'a'].sort((x, y) => x.localeCompare(y));\n")).toEqual([
      expect.stringMatching(/compareText/),
    ]);
    expect(await restricted('export const n = (1234).toLocaleString();\n')).toEqual([
      expect.stringMatching(/thousands/),
    ]);
    expect(await restricted("export const ok = ['b', 'a'].sort();\n")).toEqual([]);
  });
});
