/**
 * A throw-away directory per test file: a fake HOME (so ~/.kscli/journal and ~/.kscli/locks are
 * the test's own), the sandbox state file (its request log lands beside it), and empty AWS config
 * and credentials files so that nothing from the machine's ~/.aws leaks into a run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workspace {
  /** the temp directory holding everything below */
  dir: string;
  /** HOME of every kscli run */
  home: string;
  /** the sandbox state file; the request log is `${statePath}.requests.jsonl` */
  statePath: string;
  /** AWS_CONFIG_FILE (empty unless a test writes profiles into it) */
  awsConfigFile: string;
  /** AWS_SHARED_CREDENTIALS_FILE (empty) */
  awsCredentialsFile: string;
  /** ~/.kscli/journal: where the default journals go */
  journalDir: string;
  /** ~/.kscli/locks: where the store locks go */
  lockDir: string;
  /** a fresh path inside the workspace (not created) */
  path(name: string): string;
  /** removes the directory */
  remove(): void;
}

export function createWorkspace(label = 'e2e'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), `kscli-${label}-`));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const awsConfigFile = join(dir, 'aws-config');
  const awsCredentialsFile = join(dir, 'aws-credentials');
  writeFileSync(awsConfigFile, '');
  writeFileSync(awsCredentialsFile, '');
  return {
    dir,
    home,
    statePath: join(dir, 'sandbox-state.json'),
    awsConfigFile,
    awsCredentialsFile,
    journalDir: join(home, '.kscli', 'journal'),
    lockDir: join(home, '.kscli', 'locks'),
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
