/**
 * `--version` and `--help` work with no credentials, no AWS configuration and no HOME to speak of
 * (issue 2: "`--help` on every command shows an example; `--version` works without loading the
 * AWS SDK"), and the help documents the exit codes (architecture.md section 5).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, expectExit, ROOT, runKscli } from './helpers/index.js';

/** nothing but PATH: no AWS variables, no HOME */
const BARE_ENV = { PATH: process.env.PATH };
const COMMANDS = [
  'stores',
  'find-keys',
  'usage',
  'alarm',
  'schedule-deletion',
  'cancel-deletion',
  'disconnect-store',
  'delete-store',
  'backups',
  'orphans',
  'sandbox',
];
const SANDBOX_COMMANDS = ['serve', 'reset', 'advance', 'status'];

assertBuilt();

/** The help text from its "Example(s):" heading on (the Usage line also names the command, so it must not count). */
function exampleSection(help: string): string {
  const at = help.search(/^Examples?:/m);
  return at < 0 ? '' : help.slice(at);
}

describe('--version and --help without credentials', () => {
  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runKscli(['--version'], { env: BARE_ENV, timeoutMs: 15_000 });
    expectExit(r, 0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toBe('');
  });

  it('--help lists every command and the exit codes, and exits 0', async () => {
    const r = await runKscli(['--help'], { env: BARE_ENV, timeoutMs: 15_000 });
    expectExit(r, 0);
    for (const cmd of COMMANDS)
      expect(r.stdout, `kscli --help should list ${cmd}`).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    for (const code of ['0', '1', '2', '3', '4', '5', '8'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
    for (const flag of [
      '--region',
      '--profile',
      '--endpoint-url',
      '--output',
      '--dry-run',
      '--yes',
      '--expected-account',
      '--no-color',
      '--debug',
      '--journal',
      '--sandbox',
    ]) {
      expect(r.stdout, `global option ${flag}`).toContain(flag);
    }
  });

  for (const cmd of COMMANDS) {
    it(`kscli ${cmd} --help shows an example of ${cmd}`, async () => {
      const r = await runKscli([cmd, '--help'], { env: BARE_ENV, timeoutMs: 15_000 });
      expectExit(r, 0);
      expect(exampleSection(r.stdout), r.stdout).toMatch(new RegExp(`kscli ${cmd}\\b`));
    });
  }

  for (const sub of SANDBOX_COMMANDS) {
    it(`kscli sandbox ${sub} --help shows an example`, async () => {
      const r = await runKscli(['sandbox', sub, '--help'], { env: BARE_ENV, timeoutMs: 15_000 });
      expectExit(r, 0);
      expect(exampleSection(r.stdout), r.stdout).toMatch(new RegExp(`kscli sandbox ${sub}\\b`));
    });
  }
});
