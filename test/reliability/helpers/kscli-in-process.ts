/**
 * Runs kscli in this process: `run(argv, { io: memoryIO(), env, system, inject })` from src/cli.ts,
 * with the in-process sandbox's ports, a clock that IS the sandbox clock (kscli's waits move it, so
 * DISCONNECTING completes and read-back retries see time pass, without real sleeping), a scripted
 * prompter, and SIGINT delivered on demand.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRunner } from '../../../src/cli.js';
import { memoryIO } from '../../../src/ui/io.js';
import type { AwsPorts } from '../../../src/aws/ports.js';
import type { Clock } from '../../../src/workflow/clock.js';
import type { Prompter } from '../../../src/ui/prompter.js';
import type { SystemHooks } from '../../../src/deps.js';
import type { EvidencePort } from '../../../src/workflow/evidence-port.js';
import type { InProcessSandbox, LoggedRequest } from './in-process-sandbox.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

export interface KscliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** the one JSON document of --output json, when it parsed */
  json?: Record<string, any>;
  /** true when the prompt was shown (and answered by typing the store ID) */
  prompted: boolean;
  /** the prompter's transcript: the sandbox's request count when the prompt showed (R1 judges the order from it) */
  promptAt?: number;
  /** true when SIGINT was delivered during the run */
  interrupted: boolean;
  /** true when the prompt was shown and the operator refused (RunOptions.refuse) */
  refused: boolean;
}

export interface RunOptions {
  /** answer the confirmation prompt (the terminal is interactive); undefined: no terminal */
  onPrompt?: () => void;
  /** at the prompt, the operator refuses (types something else, or Ctrl-C) */
  refuse?: boolean;
  /** deliver SIGINT after this many mutating calls of this run */
  interruptAfter?: number;
  /** act (as a colleague) after this many mutating calls of this run */
  midBatch?: { after: number; act: () => void };
  /** act (as a colleague) after a kscli request, knowing whether the prompt has shown (issue 18: a
   * colleague between two reads of one re-check, or stopping kscli's Logs Insights query) */
  onRequest?: (req: LoggedRequest, afterPrompt: boolean) => void;
}

/** one commander program for every in-process run of this test file (src/cli.ts createRunner) */
const run = createRunner();

let evidenceModule: Promise<EvidencePort> | undefined;
const evidence = () => (evidenceModule ??= import('../../../src/workflow/evidence/index.js') as Promise<EvidencePort>);

export function sandboxClock(sb: () => InProcessSandbox): Clock {
  return {
    now: () => sb().model.now(),
    sleep: async (ms) => {
      sb().advance(ms);
    },
  };
}

export async function runKscli(
  sb: InProcessSandbox,
  ports: AwsPorts,
  home: string,
  argv: string[],
  opts: RunOptions = {},
): Promise<KscliResult> {
  const io = memoryIO({ canPrompt: opts.onPrompt !== undefined });
  let onSigint: (() => void) | undefined;
  let interrupted = false;
  const system: SystemHooks = {
    pid: 4242,
    hostname: 'property-test',
    isProcessAlive: () => false,
    onInterrupt(handler) {
      onSigint = handler;
      return () => {
        onSigint = undefined;
      };
    },
  };
  let prompted = false;
  let promptAt: number | undefined;
  const prompter: Prompter = {
    async confirmDestructive(req) {
      prompted = true;
      promptAt ??= sb.requests.length;
      opts.onPrompt?.();
      if (opts.refuse) return false;
      return req.expected.length > 0; // the operator types the store ID
    },
  };
  let mutations = 0;
  sb.afterKscliMutation = () => {
    mutations += 1;
    if (opts.midBatch && mutations === opts.midBatch.after) opts.midBatch.act();
    if (opts.interruptAfter !== undefined && mutations === opts.interruptAfter && onSigint) {
      interrupted = true;
      onSigint();
    }
  };
  sb.afterKscliRequest = opts.onRequest ? (req) => opts.onRequest!(req, prompted) : undefined;
  try {
    const code = await run(argv, {
      io,
      env: { HOME: home, NO_COLOR: '1' },
      system,
      inject: { aws: ports, clock: sandboxClock(() => sb), prompter, system, home, evidence } as any,
    });
    const stdout = io.stdout();
    let json: Record<string, any> | undefined;
    try {
      json = stdout.trim().startsWith('{') ? (JSON.parse(stdout) as Record<string, any>) : undefined;
    } catch {
      json = undefined;
    }
    return {
      code,
      stdout,
      stderr: io.stderr(),
      json,
      prompted,
      promptAt,
      interrupted,
      refused: prompted && !!opts.refuse,
    };
  } finally {
    sb.afterKscliMutation = undefined;
    sb.afterKscliRequest = undefined;
  }
}

export interface JournalLine {
  time: string;
  operation?: string;
  target?: string;
  params?: Record<string, unknown>;
  phase?: 'intent' | 'outcome';
  outcome?: 'ok' | 'error' | 'skipped';
  error?: string;
  overrides?: string[];
  result?: Record<string, unknown>;
  type?: string;
  command?: string;
}

export function journalPath(home: string, storeId: string): string {
  return join(home, '.kscli', 'journal', `${ACCOUNT}-${REGION}-${storeId}.jsonl`);
}

export function readJournal(path: string): JournalLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JournalLine);
}
