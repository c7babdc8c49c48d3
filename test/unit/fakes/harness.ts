/**
 * Runs the CLI in-process against the fake account: `runCli(['schedule-deletion', id, ...], world)`.
 * HOME is a fresh temp dir per world (journal and locks land there).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli.js';
import type { CommandDescriptor } from '../../../src/commands/descriptor.js';
import type { SystemHooks } from '../../../src/deps.js';
import { memoryIO } from '../../../src/ui/io.js';
import type { ProgressUI } from '../../../src/ui/progress.js';
import type { EvidencePort } from '../../../src/workflow/evidence-port.js';
import { FakeAccount } from './fake-aws.js';
import { ScriptedPrompter } from './prompter.js';
import { stubEvidence } from './evidence.js';

export interface World {
  account: FakeAccount;
  home: string;
  prompter: ScriptedPrompter;
  evidence: EvidencePort;
  system: SystemHooks & { interrupt(): void; alive: Set<number> };
  /** prompts are possible (stdin and stderr are TTYs) */
  tty: boolean;
}

export function makeWorld(opts: Partial<World> = {}): World {
  let handler: (() => void) | undefined;
  const alive = new Set<number>([4242]);
  const system = {
    pid: 4242,
    hostname: 'test-host',
    alive,
    isProcessAlive: (pid: number) => alive.has(pid),
    onInterrupt: (h: () => void) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    interrupt: () => handler?.(),
  };
  return {
    account: opts.account ?? new FakeAccount(),
    home: opts.home ?? mkdtempSync(join(tmpdir(), 'kscli-test-')),
    prompter: opts.prompter ?? new ScriptedPrompter(),
    evidence: opts.evidence ?? stubEvidence(),
    system: opts.system ?? system,
    tty: opts.tty ?? false,
  };
}

export const silentProgress: ProgressUI = {
  bar: () => ({ update: () => {}, stop: () => {} }),
  status: () => {},
  done: () => {},
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json(): any;
}

/**
 * Runs one kscli command. The prompter's script is for this run: a prompt not scripted, or a
 * scripted one never shown, fails the test.
 */
/** `commands`: offer these instead of the registry's (a test-only descriptor beside the real ones). */
export async function runCli(
  argv: string[],
  world: World,
  commands?: readonly CommandDescriptor[],
): Promise<CliResult> {
  const unexpectedBefore = world.prompter.unexpected.length;
  const scripted = world.prompter.pending().length;
  const io = memoryIO({ isTTY: false, canPrompt: world.tty });
  const code = await run(argv, {
    ...(commands ? { commands } : {}),
    io,
    env: { HOME: world.home },
    system: world.system,
    inject: {
      aws: world.account.ports(),
      prompter: world.prompter,
      clock: world.account.clock,
      home: world.home,
      evidence: async () => world.evidence,
      progress: silentProgress,
    },
  });
  if (world.prompter.unexpected.length > unexpectedBefore) {
    throw new Error(`unexpected prompt: ${JSON.stringify(world.prompter.unexpected.at(-1))}`);
  }
  if (scripted > 0 && world.prompter.pending().length > 0) {
    throw new Error(`${world.prompter.pending().length} scripted prompt(s) never shown`);
  }
  return { code, stdout: io.stdout(), stderr: io.stderr(), json: () => JSON.parse(io.stdout()) };
}
