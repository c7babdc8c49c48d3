/**
 * An in-process sandbox for one unit test file: the scenario's state in a temporary directory, the
 * server on a free port over real HTTP, started before the file's tests and removed after them.
 *
 *   const sandbox = useSandbox('sessions', 'org');
 *   it('...', async () => { new OrganizationsClient({ endpoint: sandbox.url, ... }) });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  realModelFactory,
  resetState,
  startSandbox,
  type RunningSandbox,
  type ScenarioName,
} from '../../../src/sandbox/index.js';

/** Credentials the sandbox accepts (it checks their shape, not their secret). */
export const UNIT_CREDENTIALS = { accessKeyId: 'AKIDUNITTEST00000001', secretAccessKey: 'x' };

export interface UsedSandbox {
  /** the running sandbox (set once the file's beforeAll ran) */
  readonly sb: RunningSandbox;
  readonly url: string;
}

export function useSandbox(label: string, scenario: ScenarioName): UsedSandbox {
  let dir: string | undefined;
  let sb: RunningSandbox | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `kscli-${label}-`));
    resetState(await realModelFactory(), join(dir, 'state.json'), scenario);
    sb = await startSandbox({ statePath: join(dir, 'state.json') });
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const running = (): RunningSandbox => {
    if (!sb) throw new Error('the sandbox starts in beforeAll: use it inside a test');
    return sb;
  };
  return {
    get sb() {
      return running();
    },
    get url() {
      return running().url;
    },
  };
}
