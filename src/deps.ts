/**
 * Deps, built once per command run (architecture.md section 3): the IO, the resolved global
 * options, the AWS ports (lazy: the SDK loads only when a port is first used, so --help, --version
 * and bad input never pay for it or need credentials), the prompter, the clock, progress, the debug
 * sink, and the evidence module. Tests build the same object with fakes through `RunContext.inject`.
 *
 * --sandbox: the sandbox starts in-process on a free loopback port, every client points at it with
 * dummy credentials (given to the in-process clients only; never printed, never in the env), and it
 * is closed when the command ends.
 */
import { hostname as osHostname, homedir } from 'node:os';
import type { App, GlobalOptions } from './app.js';
import type { AwsConfig, AwsPorts, CallerIdentity } from './aws/ports.js';
import { resolveAwsConfig } from './aws/config.js';
import { createAwsPorts } from './aws/index.js';
import type { IO } from './ui/io.js';
import { inquirerPrompter, type Prompter } from './ui/prompter.js';
import { createProgress, type ProgressUI } from './ui/progress.js';
import type { AssessProgress } from './workflow/context.js';
import { evidenceProgress } from './ui/query-progress.js';
import { createStyle, type Style } from './ui/style.js';
import { nextStepLine } from './ui/next-step.js';
import { systemClock, type Clock } from './workflow/clock.js';
import { alignableClock, sandboxClockOffset } from './aws/account-clock.js';
import type { EvidencePort } from './workflow/evidence-port.js';
import { recordingEvidence, type EvidenceRecorder } from './workflow/plan-file/evidence-recorder.js';
import type { VerdictObservation } from './workflow/plan-file/document.js';
import type { LockSystem } from './workflow/lock.js';

/** What main.ts passes about the process (the only module touching process.*). */
export interface SystemHooks {
  pid: number;
  hostname: string;
  isProcessAlive(pid: number): boolean;
  /** registers a SIGINT handler for the duration of an apply; returns the unregister function */
  onInterrupt(handler: () => void): () => void;
  /** registers a SIGTERM handler (`kscli sandbox serve` saves its state and stops); returns the unregister function */
  onTerminate?(handler: () => void): () => void;
  /** ends the process now (shell completion after its time limit: an AWS call still in flight must not hold the TAB) */
  exit?(code: number): never;
}

export interface Deps {
  io: IO;
  env: NodeJS.ProcessEnv;
  globals: GlobalOptions;
  /** the resolved region */
  region: string;
  aws: AwsPorts;
  prompter: Prompter;
  clock: Clock;
  progress: ProgressUI;
  /**
   * The progress of a plan's assessment (a bar of keys, the Logs Insights status line): what the
   * plan runner shows while it plans, without importing ui/ (the workflow never does).
   */
  assessProgress(label: string): AssessProgress;
  style: Style;
  /** --debug lines to stderr (no-op otherwise) */
  debug(line: string): void;
  /** $HOME (tests point it at a temp dir) */
  home: string;
  system: SystemHooks;
  /** STS GetCallerIdentity, asked once */
  identity(): Promise<CallerIdentity>;
  /** the evidence module (issue 3), loaded on first use */
  evidence(): Promise<EvidencePort>;
  /**
   * The resolved AWS configuration (endpoint, credentials with --sandbox, pacing): what the estate
   * commands build their own clients from (several accounts and Regions in one run). With
   * --sandbox this starts the in-process sandbox, as the first AWS call would.
   */
  awsConfig(): Promise<AwsConfig>;
  /** `kscli apply FILE`: the digest of the saved plan this run applies; every journal line carries it */
  planDigest?: string;
  /** the command line as given, without the program name (a saved plan records it for the reviewer) */
  argv: string[];
  /** the usage verdicts evidence() computed in this run: what a saved plan rests on (issue 9) */
  recordedVerdicts(): VerdictObservation[];
  /**
   * A command for the operator to run next, with this run's context flags (--sandbox, --region,
   * --profile, ...), quoted for the shell (ui/next-step.ts): how the workflow prints one without
   * importing ui/.
   */
  nextStep(args: string[]): string;
  /** stops what deps started (the in-process sandbox) */
  close(): Promise<void>;
}

export function lockSystem(deps: Deps): LockSystem {
  return {
    pid: deps.system.pid,
    hostname: deps.system.hostname,
    isProcessAlive: (p) => deps.system.isProcessAlive(p),
    now: () => deps.clock.now(),
  };
}

/** Dummy credentials for the in-process sandbox: it accepts any signature. */
const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIDSANDBOXKSCLI0000', secretAccessKey: 'sandbox-secret-not-a-real-key' };

/** The process hooks when main.ts gave none (tests through run()): this process, no signals. */
const fallbackSystem = (): SystemHooks => ({
  pid: process.pid,
  hostname: osHostname(),
  isProcessAlive: () => true,
  onInterrupt: () => () => {},
});

export async function createDeps(app: App): Promise<Deps> {
  const globals = app.globals();
  const inject = (app.inject ?? {}) as Partial<Deps>;
  const io = app.io;
  const debug = globals.debug ? (line: string) => io.err.write(`[debug] ${line}\n`) : () => {};
  const env = app.env;
  const closers: Array<() => Promise<void>> = [];

  const accountClock = alignableClock(inject.clock ?? systemClock);
  let region = inject.region ?? inject.aws?.region;
  let aws = inject.aws;
  let awsConfig: (() => Promise<AwsConfig>) | undefined = inject.awsConfig;
  if (!aws) {
    const config: AwsConfig = await resolveAwsConfig(
      { region: globals.region, profile: globals.profile, endpointUrl: globals.endpointUrl, maxRps: globals.maxRps },
      env,
      {
        debugLog: globals.debug ? debug : undefined,
        // --sandbox signs with dummy credentials of its own: no profile is read
        ...(globals.sandbox ? { profileExists: async () => true } : {}),
      },
    );
    region = config.region;
    // lazy: the sandbox starts, and the SDK loads, on the first call of a port (aws/index.ts);
    // prepared once, so the estate commands (awsConfig) and the ports share one sandbox
    let prepared: Promise<AwsConfig> | undefined;
    const prepare = (cfg: AwsConfig): Promise<AwsConfig> =>
      (prepared ??= (async () => {
        let resolved = cfg;
        if (globals.sandbox) {
          const { startSandbox } = await import('./sandbox/index.js');
          const sandbox = await startSandbox({ port: 0, env, onNotice: (m) => io.err.write(`sandbox: ${m}\n`) });
          closers.push(() => sandbox.close());
          debug(`sandbox listening on ${sandbox.url} (state ${sandbox.statePath})`);
          resolved = {
            ...cfg,
            endpointUrl: sandbox.url,
            serviceEndpoints: undefined,
            credentials: SANDBOX_CREDENTIALS,
          };
        }
        // the account's time: the sandbox's clock on a loopback sandbox (aws/account-clock.ts); a
        // test's own clock is left alone
        const offset = inject.clock ? undefined : await sandboxClockOffset(resolved.endpointUrl, debug);
        if (offset !== undefined) accountClock.align(offset);
        return resolved;
      })());
    awsConfig = () => prepare(config);
    aws = createAwsPorts(config, { prepare });
  }
  const home = inject.home ?? env.HOME ?? homedir();
  const progress = inject.progress ?? createProgress(io);
  let identity: Promise<CallerIdentity> | undefined;
  let evidence: Promise<EvidencePort> | undefined;
  let recorder: EvidenceRecorder | undefined;
  const deps: Deps = {
    io,
    env,
    globals,
    region: region ?? 'us-east-1',
    aws,
    prompter: inject.prompter ?? inquirerPrompter(io),
    clock: accountClock.clock,
    progress,
    assessProgress: (label) => {
      const bar = progress.bar(label);
      const shown = evidenceProgress(progress, bar);
      return { onKeys: shown.onKeys, onQuery: shown.onQuery, stop: () => bar.stop() };
    },
    style: createStyle(globals.color),
    debug,
    home,
    system: inject.system ?? app.system ?? fallbackSystem(),
    identity: () => (identity ??= aws!.sts().getCallerIdentity()),
    // every verdict the deletion steps compute is recorded as it is returned (a saved plan keeps them)
    evidence: () =>
      (evidence ??= (
        inject.evidence
          ? inject.evidence()
          : (async (): Promise<EvidencePort> => {
              const mod = await import('./workflow/evidence/index.js');
              return { assessKeys: mod.assessKeys, planAlarm: mod.planAlarm, alarmInPlace: mod.alarmInPlace };
            })()
      ).then((port) => (recorder = recordingEvidence(port)).port)),
    awsConfig: () =>
      awsConfig ? awsConfig() : Promise.reject(new Error('no AWS configuration: the AWS ports were injected')),
    recordedVerdicts: () => recorder?.verdicts() ?? [],
    argv: app.argv ?? [],
    nextStep: (args) => nextStepLine(deps, args),
    close: async () => {
      for (const c of closers.splice(0)) await c();
    },
  };
  return deps;
}
