/**
 * The AWS CLI as the second client: the sandbox must speak the wire protocols that botocore (the
 * AWS CLI's engine, with its own service models) speaks, not only those of the SDK kscli uses.
 *
 * Each `aws` process costs about 0.7 s of CPU (Python, botocore, the service model parsed anew),
 * several seconds on a loaded 2-core machine, and the AWS CLI test files run about a hundred. So
 * one Python process per test file (awscli-server.py), started with the interpreter of the `aws`
 * script on PATH, runs every command through the CLI's own entry point
 * (`awscli.clidriver.create_clidriver().main(args)`, what the `aws` script does) and every
 * botocore call, over a pipe. `spawnAws` still runs the real executable, and a test compares its
 * answers with the in-process driver's for each protocol family (sandbox-awscli.test.ts).
 *
 * Where `aws` is not a Python script (the AWS CLI v2 is a frozen bundle), commands spawn `aws`
 * and the botocore checks skip. Where `aws` is missing, AWS_CLI is undefined: skip the file.
 *
 *   let t: E2E; let cli: AwsCli;
 *   beforeAll(async () => { t = await startE2E('x'); cli = await startAwsCli(t.ws, t.sandbox.url); });
 *   afterAll(async () => { await cli?.stop(); await t?.stop(); });
 *   const keys = await cli.ok(['kms', 'list-keys']);               // --endpoint-url, --output json added
 *   await cli.fails('NotFoundException', ['kms', 'describe-key', '--key-id', 'nope']);
 *   const [r] = await cli.botocore('kms', [{ op: 'ListKeys' }], { check: 'raw' });  // r.problems
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import { DUMMY_CREDENTIALS } from './credentials.js';
import type { Workspace } from './workspace.js';

const SERVER = join(import.meta.dirname, 'awscli-server.py');

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The `aws` executable on PATH (found without starting it), or undefined: skip the AWS CLI tests. */
export const AWS_CLI: string | undefined = onPath('aws');
if (!AWS_CLI)
  console.warn('AWS CLI tests skipped: `aws` is not on PATH (pip install awscli, or apt-get install awscli)');

/**
 * The Python interpreter of the `aws` script (its shebang), so the in-process CLI is the very
 * install on PATH; through a pyenv shim, the script `pyenv which aws` names. Undefined for a
 * binary (the AWS CLI v2).
 */
function interpreterOf(aws: string): string | undefined {
  let script = realpathSync(aws);
  let text = readFileSync(script, 'latin1').slice(0, 4096);
  const shim = /exec "([^"]*\/pyenv)" exec/.exec(text);
  if (shim) {
    const root = /PYENV_ROOT="([^"]+)"/.exec(text)?.[1];
    const r = spawnSync(shim[1]!, ['which', 'aws'], {
      encoding: 'utf8',
      env: { ...process.env, ...(root ? { PYENV_ROOT: root } : {}) },
    });
    if (r.status !== 0) return undefined;
    script = r.stdout.trim();
    text = readFileSync(script, 'latin1').slice(0, 4096);
  }
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return undefined;
  const interpreter = m[1]!.endsWith('/env') ? m[2] : m[1];
  return interpreter && /python/.test(interpreter) ? interpreter : undefined;
}

export interface AwsResult {
  /** the exit code (0; a service error is 255 in the AWS CLI v1, 254 in v2; 252 bad arguments) */
  status: number;
  stdout: string;
  stderr: string;
  /** stdout parsed (undefined when empty or not JSON) */
  json: any;
}

export interface AwsCallOptions {
  /** the endpoint (default: the one given to startAwsCli) */
  url?: string;
}

export interface BotocoreCall {
  /** the API name, e.g. CreateGrant */
  op: string;
  /** "$N.Path" strings take that member of call N's answer; top-level blobs are given as base64 */
  params?: Record<string, unknown>;
}

export interface BotocoreOptions extends AwsCallOptions {
  region?: string;
  /** raw: the raw JSON body against the output shape (JSON protocols); parsed: ParamValidator */
  check?: 'raw' | 'parsed';
  /** a wire protocol forced on the service's model, e.g. 'query' for CloudWatch */
  protocol?: string;
}

export interface BotocoreResult {
  op: string;
  /** the error code of a refused call, its message, and the line the AWS CLI prints for it */
  error?: string;
  message?: string;
  text?: string;
  /** where the answer breaks the output shape (empty without `check`) */
  problems: string[];
  /** the raw JSON body (check raw) or the parsed answer (timestamps ISO 8601, blobs base64) */
  answer?: any;
}

export interface AwsCli {
  /** 'in-process': commands run in the shared Python process; 'spawn': one `aws` process each */
  mode: 'in-process' | 'spawn';
  /** botocore calls can run (false where `aws` is not a Python script) */
  botocoreAvailable: boolean;
  /** `aws <args> --endpoint-url URL --output json` */
  run(args: string[], opts?: AwsCallOptions): Promise<AwsResult>;
  /** run, expecting exit 0; the parsed stdout */
  ok(args: string[], opts?: AwsCallOptions): Promise<any>;
  /** run, expecting a non-zero exit and `code` on stderr */
  fails(code: string, args: string[], opts?: AwsCallOptions): Promise<AwsResult>;
  /** the same as `run`, in a real `aws` process */
  spawnAws(args: string[], opts?: AwsCallOptions): Promise<AwsResult>;
  /** botocore calls, in order, on one client */
  botocore(service: string, calls: BotocoreCall[], opts?: BotocoreOptions): Promise<BotocoreResult[]>;
  /** the Python processes started so far (the server and every spawned `aws`) */
  processes(): number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// a crashed test file must not leave its Python process behind
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function parse(stdout: string): any {
  try {
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** The AWS CLI's environment, built from nothing: dummy credentials, its own HOME and AWS files. */
function awsEnv(ws: Workspace): NodeJS.ProcessEnv {
  const home = ws.path('aws-home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8' };
  for (const k of ['PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: ws.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: ws.awsCredentialsFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
}

interface Server {
  request(body: Record<string, unknown>): Promise<any>;
  ready: { awscli: string | null; botocore: string };
  stop(): Promise<void>;
}

async function startServer(python: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(python, [SERVER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  const waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  let onReady: ((v: Server['ready']) => void) | undefined;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let msg: any;
    try {
      msg = JSON.parse(line);
    } catch {
      stderr += `(stdout) ${line}\n`; // not the protocol: keep it for the error messages
      return;
    }
    if (msg.ready) return onReady?.(msg);
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.fault) w?.reject(new Error(`awscli-server.py: ${msg.fault}`));
    else w?.resolve(msg);
  });
  const failAll = () => {
    for (const w of waiting.values()) w.reject(new Error(`awscli-server.py exited; stderr:\n${stderr}`));
    waiting.clear();
  };
  child.once('exit', failAll);
  const ready = await new Promise<Server['ready']>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`awscli-server.py not ready in 60 s; stderr:\n${stderr}`));
    }, 60_000);
    onReady = (v) => {
      clearTimeout(timer);
      resolve(v);
    };
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${python} ${SERVER} exited (code ${code}) before it was ready; stderr:\n${stderr}`));
    });
  });
  let next = 0;
  return {
    ready,
    request(body) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify({ ...body, id })}\n`);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end(); // the server's loop ends with its input
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** One AWS CLI for a test file: `url` is the default endpoint, `ws` gives the isolated HOME and AWS files. */
export async function startAwsCli(ws: Workspace, url: string): Promise<AwsCli> {
  if (!AWS_CLI) throw new Error('the AWS CLI (`aws`) is not on PATH: guard the file with describe.skipIf(!AWS_CLI)');
  const env = awsEnv(ws);
  const python = interpreterOf(AWS_CLI);
  // an `aws` that is a Python script must run in-process: a silent fallback would only be slow
  const server = python ? await startServer(python, env) : undefined;
  let processes = server ? 1 : 0;
  const inProcess = server?.ready.awscli != null;

  const withEndpoint = (args: string[], opts: AwsCallOptions = {}) => [
    ...args,
    '--endpoint-url',
    opts.url ?? url,
    '--output',
    'json',
  ];

  const spawnAws = (args: string[], opts?: AwsCallOptions) =>
    new Promise<AwsResult>((resolve) => {
      processes++;
      const child = spawn(AWS_CLI, withEndpoint(args, opts), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('close', (code) => {
        clearTimeout(timer);
        running.delete(child);
        resolve({ status: code ?? -1, stdout, stderr, json: parse(stdout) });
      });
    });

  const run = async (args: string[], opts?: AwsCallOptions): Promise<AwsResult> => {
    if (!inProcess) return spawnAws(args, opts);
    const r = await server!.request({ kind: 'cli', args: withEndpoint(args, opts) });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: parse(r.stdout) };
  };

  return {
    mode: inProcess ? 'in-process' : 'spawn',
    botocoreAvailable: server !== undefined,
    run,
    spawnAws,
    async ok(args, opts) {
      const r = await run(args, opts);
      expect(r.status, `aws ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.json;
    },
    async fails(code, args, opts) {
      const r = await run(args, opts);
      expect(r.status, `aws ${args.join(' ')} should fail`).not.toBe(0);
      expect(r.stderr).toContain(code);
      return r;
    },
    async botocore(service, calls, opts = {}) {
      if (!server) throw new Error('botocore is not importable here: skip the test when !cli.botocoreAvailable');
      const r = await server.request({
        kind: 'calls',
        service,
        region: opts.region ?? 'us-east-1',
        endpoint: opts.url ?? url,
        calls,
        check: opts.check,
        protocol: opts.protocol,
      });
      return r.results as BotocoreResult[];
    },
    processes: () => processes,
    stop: async () => server?.stop(),
  };
}
