/**
 * The environment of a kscli child process. It starts from NOTHING (not from process.env), so a
 * developer's AWS_PROFILE, AWS_* endpoints or ~/.aws never reach a test run, and adds:
 * the dummy credentials, AWS_REGION=us-east-1, the workspace's HOME and isolated AWS config files,
 * NO_COLOR=1 (plain text to assert on), and AWS_EC2_METADATA_DISABLED so a run without credentials
 * does not wait on the instance metadata service. KSCLI_COMPILE_CACHE_DIR is one directory for every
 * test run, so the SDK's V8 code cache (src/aws/compile-cache.ts) is warm after the suite's first
 * run instead of cold in every test file's fresh HOME.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUMMY_CREDENTIALS } from './credentials.js';
import type { Workspace } from './workspace.js';

export type Env = Record<string, string | undefined>;

/** shared by every e2e run of this machine (compile-cache.ts writes each file atomically) */
export const E2E_COMPILE_CACHE = join(tmpdir(), 'kscli-e2e-compile-cache');

export interface EnvOptions {
  /** false: no AWS_ACCESS_KEY_ID / SECRET / SESSION_TOKEN at all (default true) */
  credentials?: boolean;
  /** added last; a value of undefined removes the variable */
  extra?: Env;
}

export function kscliEnv(ws: Workspace, opts: EnvOptions = {}): Env {
  const env: Env = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: ws.home,
    NO_COLOR: '1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: ws.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: ws.awsCredentialsFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    KSCLI_COMPILE_CACHE_DIR: E2E_COMPILE_CACHE,
  };
  if (opts.credentials !== false) {
    env.AWS_ACCESS_KEY_ID = DUMMY_CREDENTIALS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = DUMMY_CREDENTIALS.secretAccessKey;
    env.AWS_SESSION_TOKEN = DUMMY_CREDENTIALS.sessionToken;
  }
  for (const [k, v] of Object.entries(opts.extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Drops undefined values: the shape child_process wants. */
export function toProcessEnv(env: Env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
}
