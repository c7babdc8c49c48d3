/**
 * The engine of the random-schedule property test (invariants.property.test.ts): what can happen
 * (fast-check arbitraries for kscli runs, a colleague's actions, clock advances, faults), how it is
 * played against an in-process sandbox, and the convergence check at the end. Kept apart from the
 * test so that sabotage.property.test.ts can run the same engine against a deliberately broken
 * kscli and prove that the invariants catch it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { AwsPorts } from '../../../src/aws/ports.js';
import { DEMO_IDLE_STORE_ID, DEMO_STORE_ID, DEMO_XKS_STORE_ID } from '../../../src/sandbox/model/index.js';
import type { FaultConfig } from '../../../src/sandbox/server/faults.js';
import { InProcessSandbox, inProcessPorts } from './in-process-sandbox.js';
import { journalPath, readJournal, runKscli, type KscliResult } from './kscli-in-process.js';
import { namedKeys, runViolations, type PlanFileRun, type RunRecord } from './invariants.js';
import { keyFacts, runStart, storeFacts, type RunStart } from './world.js';
import { injected, leftUndone } from './world-oracle.js';
import { shortenLogGroup, type ShortLogGroup } from './evidence-coverage.js';
import { removeTree } from './remove-tree.js';

export const DAY = 86_400_000;

// ---- what can happen -------------------------------------------------------------------------

/**
 * 'connect-create' (issue 18): the colleague connects a DISCONNECTED store, waits until it is
 * CONNECTED and creates a key in it (AWS allows CreateKey only while the store is connected): what
 * delete-store's re-list before DeleteCustomKeyStore is for. Not in the legacy generator below
 * (recorded sabotage paths stay valid); the every-path generator draws it.
 */
type ActorAction =
  'create-key' | 'schedule' | 'cancel' | 'disconnect' | 'connect' | 'delete-by-clock' | 'connect-create';
const actorAction = fc.constantFrom<ActorAction>(
  'create-key',
  'schedule',
  'cancel',
  'disconnect',
  'connect',
  'delete-by-clock',
);

type FaultKind = 'errorRate' | 'throttleRate' | 'dropRate' | 'dropAfterRate' | 'staleMs';
interface FaultSpec {
  kind: FaultKind;
  op: string;
  rate: number;
  seed: number;
}
const faultSpec: fc.Arbitrary<FaultSpec> = fc.record({
  kind: fc.constantFrom<FaultKind>('errorRate', 'throttleRate', 'dropRate', 'dropAfterRate', 'staleMs'),
  op: fc.constantFrom(
    '*',
    'ScheduleKeyDeletion',
    'CancelKeyDeletion',
    'EnableKey',
    'DescribeKey',
    'ListKeys',
    'DescribeCustomKeyStores',
    'DisconnectCustomKeyStore',
    'DeleteCustomKeyStore',
  ),
  rate: fc.constantFrom(0.05, 0.2, 0.5, 1),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

const COMMANDS = ['schedule-deletion', 'cancel-deletion', 'disconnect-store', 'delete-store'] as const;
type Command = (typeof COMMANDS)[number] | 'alarm';
const OVERRIDES = [
  '--allow-disconnected',
  '--allow-in-use',
  '--allow-data-loss',
  '--allow-unknown-usage',
  '--no-alarm',
  '--force',
  '--allow-orphaned-material',
];
type Outsider = 'customer' | 'other-store' | 'aws-managed' | 'aws-alias';

interface KscliStep {
  kind: 'kscli';
  cmd: Command;
  keys: number[];
  exclude: number[];
  outsider?: Outsider;
  alias: boolean;
  /** --wait-timeout 20s instead of 10m: with a slow disconnect, the 'still DISCONNECTING' exit 8 */
  shortWait: boolean;
  arnForm: boolean;
  enable: boolean;
  flags: string[];
  windowDays: number;
  confirm: 'yes' | 'prompt' | 'refuse';
  /** --dry-run (D1: no mutating request) */
  dryRun: boolean;
  /** the colleague acts while the plan is on screen (prompt runs only) */
  race?: ActorAction;
  /** the colleague acts, or SIGINT arrives, after this many mutating calls */
  midBatch?: { after: number; what: ActorAction | 'sigint' };
  fault?: FaultSpec;
  /** --plan-out <file in the run's home>: the plan is saved (and kept) for a later 'apply' step (the prompt, race, mid-batch and fault fields are then unused) */
  planOut: boolean;
  /**
   * issue 18: the colleague acts right after kscli's first request `op` of the run (after the
   * prompt, when `afterPrompt`): between two reads of one re-check (e.g. the store read and the
   * re-list before DeleteCustomKeyStore), or stopping kscli's Logs Insights query ('stop-query').
   */
  readRace?: { op: string; afterPrompt: boolean; what: ActorAction | 'stop-query' };
  /** issue 18: delete-store takes --key / --exclude-key too */
  scopeDeleteStore?: boolean;
  /** issue 18: `--evidence logs` (the log group alone: what it does not cover is a gap) or `api` (the per-key APIs) */
  evidence?: 'logs' | 'api';
}
/**
 * `kscli apply <a file saved earlier in this schedule> --yes`: between save and apply the colleague
 * and the clock may have moved the world (refused, exit 3) or not (applied). `tamper` edits a value
 * of the saved file first: the digest no longer matches, exit 2 before any AWS call (P1).
 */
interface ApplyStep {
  kind: 'apply';
  pick: number;
  tamper: boolean;
  /** issue 18: apply under faults, SIGINT mid-batch, or a colleague mid-batch (the every-path generator) */
  fault?: FaultSpec;
  midBatch?: { after: number; what: ActorAction | 'sigint' };
}
export type Step =
  KscliStep | ApplyStep | { kind: 'actor'; action: ActorAction; pick: number } | { kind: 'advance'; hours: number };

const kscliStep: fc.Arbitrary<KscliStep> = fc.record(
  {
    kind: fc.constant('kscli' as const),
    cmd: fc.constantFrom(...COMMANDS),
    keys: fc.array(fc.nat(40), { maxLength: 3 }),
    exclude: fc.array(fc.nat(40), { maxLength: 2 }),
    outsider: fc.option(fc.constantFrom<Outsider>('customer', 'other-store', 'aws-managed', 'aws-alias'), {
      nil: undefined,
      freq: 6,
    }),
    // alias/payments-legacy names a key of the demo CloudHSM store (ScheduleKeyDeletion refuses aliases: kscli resolves it)
    alias: fc.boolean(),
    shortWait: fc.boolean(),
    arnForm: fc.boolean(),
    enable: fc.boolean(),
    flags: fc.subarray(OVERRIDES),
    windowDays: fc.integer({ min: 7, max: 30 }),
    confirm: fc.constantFrom<'yes' | 'prompt' | 'refuse'>('yes', 'yes', 'prompt', 'prompt', 'refuse'),
    // one run in six is a dry run: it must change nothing whatever the rest of the step says
    dryRun: fc.constantFrom(false, false, false, false, false, true),
    race: fc.option(actorAction, { nil: undefined, freq: 2 }),
    // A colleague's disconnect between two calls must be seen by the re-check before the next
    // ScheduleKeyDeletion (it reads the store afresh for every key: S4).
    // 'delete-by-clock' mid-batch would move the clock by days between two calls of one run.
    // SIGINT gets one chance in three: dry runs and refused prompts (which never apply) take a share
    // of the runs, and the interrupt coverage must not thin out.
    midBatch: fc.option(
      fc.record({
        after: fc.integer({ min: 1, max: 3 }),
        what: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom<ActorAction | 'sigint'>(
              'create-key',
              'schedule',
              'cancel',
              'disconnect',
              'connect',
            ),
          },
          { weight: 2, arbitrary: fc.constant<ActorAction | 'sigint'>('sigint') },
        ),
      }),
      {
        nil: undefined,
        freq: 3,
      },
    ),
    fault: fc.option(faultSpec, { nil: undefined, freq: 2 }),
    // saving runs are a step of their own (below), so prompts, races and SIGINTs keep their share
    planOut: fc.constant(false),
  },
  {
    requiredKeys: [
      'kind',
      'cmd',
      'keys',
      'exclude',
      'alias',
      'shortWait',
      'arnForm',
      'enable',
      'flags',
      'windowDays',
      'confirm',
      'dryRun',
      'planOut',
    ],
  },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: kscliStep },
  { weight: 2, arbitrary: kscliStep.map((s) => ({ ...s, planOut: true })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('actor' as const), action: actorAction, pick: fc.nat(10) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      pick: fc.nat(10),
      tamper: fc.constantFrom(false, false, false, true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.constantFrom(1, 24, 24 * 6, 24 * 31) }),
  },
);
/**
 * Everything random about the world a schedule plays in comes from the generator, hence from
 * fast-check's seed: the sandbox's ids, its start time, AWS's deletion lag. Nothing reads the wall
 * clock, so a seed and path replay the same run, request for request (replay.test.ts proves it).
 */
const worldArb = fc.record({
  /** seeds the sandbox's ids (keys a colleague creates, request ids, event ids) */
  seed: fc.nat(),
  /** sandbox time at the start: some day of 2026-2027 at some minute */
  startMs: fc.integer({ min: 0, max: 400 * 1440 }).map((min) => Date.UTC(2026, 0, 1) + min * 60_000),
  /** AWS deletes a key up to 24 h after its DeletionDate; now and then exactly at it */
  deletionLagMs: fc.constantFrom(DAY, DAY, DAY, 0),
  deletionLagSeed: fc.nat(),
});
export type World = { seed: number; startMs: number; deletionLagMs: number; deletionLagSeed: number };
export const DEFAULT_WORLD: World = {
  seed: 1,
  startMs: Date.UTC(2026, 10, 2, 9),
  deletionLagMs: DAY,
  deletionLagSeed: 1,
};

/** Generated schedules of up to `maxSteps` steps (the property test uses 9: two of the step kinds save and apply plan files). */
export const scenarios = (maxSteps = 7) =>
  fc.record({
    store: fc.constantFrom(DEMO_STORE_ID, DEMO_STORE_ID, DEMO_STORE_ID, DEMO_XKS_STORE_ID, DEMO_IDLE_STORE_ID),
    /** how long DISCONNECTING lasts in sandbox time (AWS: minutes; the sandbox default: 2 s) */
    disconnectMs: fc.constantFrom(2000, 2000, 60_000),
    world: worldArb,
    steps: fc.array(step, { minLength: 1, maxLength: maxSteps }),
  });
export const scenarioArb = scenarios(9);
export type ScenarioSpec = {
  store: string;
  disconnectMs: number;
  world: World;
  steps: Step[];
  /** issue 18: Logs Insights queries run this long in sandbox time (default 0: done at the first poll) */
  insightsRunMs?: number;
  /** issue 18 (B11): the trail's log group reaches back less than the evidence window */
  shortLogGroup?: ShortLogGroup;
  /** issue 18: kscli's key scan takes the product's fast DescribeKey path (signed requests through the KMS client's requestHandler) */
  fastDescribeKey?: boolean;
};

// ---- every path (issue 18) ------------------------------------------------------------------
// The generator above is kept as it is, so the sabotage paths recorded against it stay valid. This
// one adds the paths it never takes: `alarm`; delete-store with --key / --exclude-key; `apply` of
// saved plans under faults, SIGINT and a colleague mid-batch; evidence faults on LookupEvents and
// Logs Insights; a colleague between two reads of one re-check (connect + create a key in the store
// right before the re-list, or stopping kscli's Logs Insights query); slow Logs Insights queries
// (kscli polls Running queries, partial rows included).
const evidenceFault: fc.Arbitrary<FaultSpec> = fc.record({
  kind: fc.constantFrom<FaultKind>('errorRate', 'throttleRate', 'dropRate'),
  op: fc.constantFrom('LookupEvents', 'StartQuery', 'GetQueryResults', 'GetKeyLastUsage'),
  rate: fc.constantFrom(0.2, 0.5, 1),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
const readRaceArb: fc.Arbitrary<NonNullable<KscliStep['readRace']>> = fc.oneof(
  fc.record({
    op: fc.constantFrom('DescribeCustomKeyStores', 'ListKeys', 'DescribeKey'),
    afterPrompt: fc.boolean(),
    what: fc.constantFrom<ActorAction | 'stop-query'>('connect-create', 'create-key', 'disconnect', 'schedule'),
  }),
  fc.record({
    op: fc.constant('StartQuery'),
    afterPrompt: fc.constant(false),
    what: fc.constant<ActorAction | 'stop-query'>('stop-query'),
  }),
);
const kscliStepEveryPath: fc.Arbitrary<KscliStep> = fc
  .tuple(
    kscliStep,
    fc.record({
      alarm: fc.constantFrom(false, false, false, false, false, true),
      scopeDeleteStore: fc.boolean(),
      readRace: fc.option(readRaceArb, { nil: undefined, freq: 3 }),
      evidenceFault: fc.option(evidenceFault, { nil: undefined, freq: 3 }),
    }),
  )
  .map(([s, e]) => ({
    ...s,
    cmd: e.alarm ? ('alarm' as const) : s.cmd,
    scopeDeleteStore: e.scopeDeleteStore,
    readRace: e.readRace,
    fault: e.evidenceFault ?? s.fault,
  }));
const applyEveryPath: fc.Arbitrary<ApplyStep> = fc.record(
  {
    kind: fc.constant('apply' as const),
    pick: fc.nat(10),
    tamper: fc.constantFrom(false, false, false, false, true),
    fault: fc.option(faultSpec, { nil: undefined, freq: 3 }),
    midBatch: fc.option(
      fc.record({
        after: fc.integer({ min: 1, max: 3 }),
        what: fc.constantFrom<ActorAction | 'sigint'>('sigint', 'sigint', 'create-key', 'disconnect', 'schedule'),
      }),
      { nil: undefined, freq: 2 },
    ),
  },
  { requiredKeys: ['kind', 'pick', 'tamper'] },
);
const stepEveryPath: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: kscliStepEveryPath },
  { weight: 2, arbitrary: kscliStepEveryPath.map((s) => ({ ...s, planOut: true })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('actor' as const),
      action: fc.constantFrom<ActorAction>(
        'create-key',
        'schedule',
        'cancel',
        'disconnect',
        'connect',
        'delete-by-clock',
        'connect-create',
      ),
      pick: fc.nat(10),
    }),
  },
  { weight: 3, arbitrary: applyEveryPath },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.constantFrom(1, 24, 24 * 6, 24 * 31) }),
  },
);
/** Schedules over every path (issue 18): the property test plays these as well as the legacy ones; all take the fast DescribeKey path. */
export const everyPathArb = fc.record({
  fastDescribeKey: fc.constant(true),
  store: fc.constantFrom(DEMO_STORE_ID, DEMO_STORE_ID, DEMO_STORE_ID, DEMO_XKS_STORE_ID, DEMO_IDLE_STORE_ID),
  disconnectMs: fc.constantFrom(2000, 2000, 60_000),
  world: worldArb,
  steps: fc.array(stepEveryPath, { minLength: 1, maxLength: 9 }),
  insightsRunMs: fc.constantFrom(0, 4000),
  // B11: a log group recreated 1 or 20 days ago, or keeping 1 or 30 days (older events only in
  // CloudTrail event history): the demo's used key (Decrypt 3 days ago) falls outside it at 1 day
  shortLogGroup: fc.option(
    fc.oneof(
      fc.record({ how: fc.constant<'created'>('created'), days: fc.constantFrom(1, 20) }),
      fc.record({ how: fc.constant<'retention'>('retention'), days: fc.constantFrom(1, 30) }),
    ),
    { nil: undefined, freq: 2 },
  ),
});

// ---- the world -------------------------------------------------------------------------------

let current: InProcessSandbox;
/** sandbox time in the scenario being played (for sabotages that must follow the clock) */
export const sandboxNow = (): number => current.model.now().getTime();
/** the real kscli's ports, over the sandbox of the scenario being played */
export const realPorts = inProcessPorts(() => current);
const homes: string[] = [];

export function removeHomes(): void {
  for (const h of homes.splice(0)) removeTree(h);
}

/** What the generated runs exercised: the main test asserts the interesting paths were taken. */
export const coverage = {
  scenarios: 0,
  converged: 0,
  exits: {} as Record<string, number>,
  promptRaces: 0,
  midBatchActs: 0,
  sigints: 0,
  faultedRuns: 0,
  injected: 0,
  blockedOnRecheck: 0,
  refusedPrompts: 0,
  dryRuns: 0,
  /** kscli ran while a key of the store was past its DeletionDate and not yet deleted (AWS's lag) */
  runsDuringLag: 0,
  /** convergence came back exactly at the nextRunAfter kscli named */
  cameBackAtNextRun: 0,
  /** plan files saved with --plan-out */
  planFilesSaved: 0,
  /** `kscli apply` of a saved plan that acted (exit 0 or 8) */
  appliesApplied: 0,
  /** `kscli apply` refused (exit 3, outcome refused) */
  appliesRefused: 0,
  /** `kscli apply` of a tampered file */
  appliesTampered: 0,
  /** issue 18: a colleague acted between two reads of one run (readRace) */
  readRaces: 0,
  /** issue 18: kscli's Logs Insights query stopped by a colleague */
  queriesStopped: 0,
  /** issue 18: `kscli apply` with a fault, SIGINT or a colleague in the run */
  appliesDisturbed: 0,
  /** issue 18: `kscli alarm` runs, delete-store runs with --key/--exclude-key */
  alarmRuns: 0,
  scopedDeleteStores: 0,
  /** issue 18 (B11): schedules whose log group reaches back less than the window */
  shortLogGroups: 0,
};

/** A key of another store, a plain customer key and an AWS-managed key: never to be scheduled. */
function outsiderKey(sb: InProcessSandbox, store: string, kind: Outsider): string {
  const acc = (sb.model as any).acc;
  const keys = acc.state.keys as Array<{ id: string; storeId?: string; manager?: string }>;
  if (kind === 'other-store') return keys.find((k) => k.storeId && k.storeId !== store)!.id;
  if (kind === 'aws-managed') return keys.find((k) => k.manager === 'AWS')!.id;
  if (kind === 'aws-alias') return 'alias/aws/ebs';
  return keys.find((k) => !k.storeId && !k.manager)!.id;
}

function keysOf(sb: InProcessSandbox, store: string): string[] {
  return storeFacts(sb.model, store).keyIds.sort();
}

/** The colleague's direct calls. Errors are the colleague's problem (e.g. connect while DISCONNECTING). */
function act(sb: InProcessSandbox, store: string, action: ActorAction, pick: number): void {
  const acc = (sb.model as any).acc;
  try {
    switch (action) {
      case 'create-key':
        sb.actor(
          'CreateKey',
          store === DEMO_XKS_STORE_ID
            ? { CustomKeyStoreId: store, Origin: 'EXTERNAL_KEY_STORE', XksKeyId: `xks-colleague-${pick}` }
            : { CustomKeyStoreId: store, Origin: 'AWS_CLOUDHSM' },
        );
        break;
      case 'schedule': {
        // a colleague schedules a key of the store themselves (it then waits for deletion: S3 matters)
        const open = keysOf(sb, store).filter((id) => acc.keyById.get(id)?.state !== 'PendingDeletion');
        if (open.length)
          sb.actor('ScheduleKeyDeletion', { KeyId: open[pick % open.length], PendingWindowInDays: 7 + (pick % 24) });
        break;
      }
      case 'cancel': {
        const pending = keysOf(sb, store).filter((id) => acc.keyById.get(id)?.state === 'PendingDeletion');
        if (pending.length) sb.actor('CancelKeyDeletion', { KeyId: pending[pick % pending.length] });
        break;
      }
      case 'disconnect':
        sb.actor('DisconnectCustomKeyStore', { CustomKeyStoreId: store });
        break;
      case 'connect':
        sb.actor('ConnectCustomKeyStore', { CustomKeyStoreId: store });
        break;
      case 'connect-create': {
        // connect (if need be), wait until CONNECTED (AWS: minutes; the sandbox: connectMs), create a key
        const state = () => storeFacts(sb.model, store).state;
        if (state() === 'DISCONNECTED') sb.actor('ConnectCustomKeyStore', { CustomKeyStoreId: store });
        if (state() === 'CONNECTING') sb.advance(CONNECT_MS + 1000);
        if (state() === 'CONNECTED') act(sb, store, 'create-key', pick);
        break;
      }
      case 'delete-by-clock': {
        // the clock passes the earliest deletion date of a key of this store: AWS deletes it
        const dates = keysOf(sb, store)
          .map((id) => acc.keyById.get(id)?.deletionDate as number | undefined)
          .filter((d): d is number => d !== undefined);
        if (dates.length) sb.advance(Math.max(0, Math.min(...dates) - sb.model.now().getTime() + 1000));
        break;
      }
    }
  } catch {
    /* the colleague's call failed: nothing changed */
  }
}

/** how long CONNECTING lasts in the in-process sandbox (sandbox time) */
const CONNECT_MS = 3000;

function faultConfig(f: FaultSpec): FaultConfig {
  const value = f.kind === 'staleMs' ? Math.round(f.rate * 10_000) : f.rate;
  return { seed: f.seed, [f.kind]: { [f.op]: value } };
}

function argvFor(s: KscliStep, sb: InProcessSandbox, store: string, planOut?: string): string[] {
  const argv = [s.cmd, store, '--output', 'json'];
  if (s.cmd === 'alarm') {
    // alarm takes no key flags and no overrides: --yes / --dry-run / --plan-out as every mutating command
    if (planOut) argv.push('--plan-out', planOut);
    else if (s.confirm === 'yes') argv.push('--yes');
    if (s.dryRun && !planOut) argv.push('--dry-run');
    return argv;
  }
  if (planOut) argv.push('--plan-out', planOut);
  else if (s.confirm === 'yes') argv.push('--yes');
  if (s.dryRun && !planOut) argv.push('--dry-run');
  const candidates = keysOf(sb, store);
  const ref = (id: string) => (s.arnForm ? `arn:aws:kms:us-east-1:111122223333:key/${id}` : id);
  const allows = (flag: string): boolean => {
    if (flag === '--force' || flag === '--allow-orphaned-material') return s.cmd === 'disconnect-store';
    return s.cmd === 'schedule-deletion' || s.cmd === 'delete-store';
  };
  argv.push(...s.flags.filter(allows));
  if (
    s.cmd === 'schedule-deletion' ||
    s.cmd === 'cancel-deletion' ||
    (s.cmd === 'delete-store' && s.scopeDeleteStore)
  ) {
    const named = candidates.length ? s.keys.map((i) => candidates[i % candidates.length]!) : [];
    if (s.outsider) named.push(outsiderKey(sb, store, s.outsider));
    for (const k of named) argv.push('--key', k.startsWith('alias/') ? k : ref(k));
    if (s.alias) argv.push('--key', 'alias/payments-legacy');
    if (candidates.length)
      for (const i of s.exclude) argv.push('--exclude-key', ref(candidates[i % candidates.length]!));
  }
  if (s.cmd === 'cancel-deletion' && s.enable) argv.push('--enable');
  if (s.cmd === 'schedule-deletion' || s.cmd === 'delete-store') argv.push('--window-days', String(s.windowDays));
  if (s.evidence && (s.cmd === 'schedule-deletion' || s.cmd === 'delete-store')) argv.push('--evidence', s.evidence);
  if (s.cmd === 'disconnect-store' || s.cmd === 'delete-store')
    argv.push('--wait-timeout', s.shortWait ? '20s' : '10m');
  return argv;
}

export class Scenario {
  readonly sb: InProcessSandbox;
  readonly home: string;
  private journalSeen = 0;
  private requestsSeen = 0;
  runs = 0;
  readonly log: string[] = [];
  /** what each kscli run printed (stdout, then stderr), the temporary home replaced by ~ */
  readonly outputs: string[] = [];

  constructor(
    readonly store: string,
    private readonly ports: AwsPorts,
    disconnectMs = 2000,
    world: World = DEFAULT_WORLD,
    insightsRunMs = 0,
    shortLogGroup?: ShortLogGroup,
  ) {
    // DISCONNECTING lasts 2 s of sandbox time, as the real sandbox's default
    this.sb = new InProcessSandbox({
      config: {
        disconnectMs,
        connectMs: CONNECT_MS,
        ...(insightsRunMs ? { insightsMinRunMs: insightsRunMs } : {}),
        deletionLagMs: world.deletionLagMs,
        deletionLagSeed: world.deletionLagSeed,
      },
      seed: world.seed,
      startMs: world.startMs,
    });
    if (shortLogGroup) shortenLogGroup(this.sb.model, shortLogGroup);
    current = this.sb;
    this.home = mkdtempSync(join(tmpdir(), 'kscli-prop-'));
    homes.push(this.home);
  }

  /** Runs kscli once and checks every invariant; throws with the whole story when one fails. */
  /** plan files saved so far (path, and the argv that made it: the options apply runs with) */
  readonly planFiles: Array<{ path: string; argv: string[]; savedStart: RunStart }> = [];

  async kscli(argv: string[], opts: Parameters<typeof runKscli>[4] = {}, planFile?: PlanFileRun): Promise<KscliResult> {
    this.runs += 1;
    this.sb.run = this.runs;
    const start = runStart(this.sb.model, this.store);
    const result = await runKscli(this.sb, this.ports, this.home, argv, opts);
    this.outputs.push(`${result.stdout}\n--- stderr ---\n${result.stderr}`.split(this.home).join('~'));
    coverage.exits[result.code] = (coverage.exits[result.code] ?? 0) + 1;
    if (result.interrupted) coverage.sigints += 1;
    if (result.json?.plan && (result.stderr.includes('stopped:') || /changed since the plan/.test(result.stderr)))
      coverage.blockedOnRecheck += 1;
    const journal = readJournal(journalPath(this.home, this.store));
    const requests = this.sb.requests.slice(this.requestsSeen);
    // a colleague's act: a mutating call, or stopping kscli's Logs Insights query (StopQuery is not
    // "mutating" for AWS, but `--evidence logs` then fails the run, exit 1, as it must)
    const actorActed =
      requests.some((r) => r.caller === 'actor' && (r.mutating || r.operation === 'StopQuery')) || result.interrupted;
    // E1's "faulted" is a fault the sandbox INJECTED in this run (its request log), not one configured
    const injectedHere = requests.some((r) => r.caller === 'kscli' && injected(r));
    const rec: RunRecord = {
      run: this.runs,
      // an apply run is judged with the options saved in the plan (its overrides, --key, --exclude-key)
      argv: planFile ? [...planFile.savedArgv, '--yes'] : argv,
      planFile: planFile && {
        ...planFile,
        staleRead: requests.some((r) => r.caller === 'kscli' && r.fault === 'stale'),
      },
      storeId: this.store,
      result,
      journal: journal.slice(this.journalSeen),
      journalSoFar: journal,
      requests,
      faulted: injectedHere || actorActed,
      allRequests: this.sb.requests,
      onTerminal: opts.onPrompt !== undefined,
      promptAt: result.promptAt === undefined ? undefined : result.promptAt - this.requestsSeen,
      start,
      refusedPrompt: result.refused,
    };
    if (result.refused) coverage.refusedPrompts += 1;
    if (argv.includes('--dry-run')) coverage.dryRuns += 1;
    if (argv[0] === 'alarm') coverage.alarmRuns += 1;
    if (argv[0] === 'delete-store' && (argv.includes('--key') || argv.includes('--exclude-key')))
      coverage.scopedDeleteStores += 1;
    if (planFile?.tampered) coverage.appliesTampered += 1;
    else if (planFile && (result.code === 0 || result.code === 8)) coverage.appliesApplied += 1;
    else if (planFile && result.json?.outcome === 'refused') coverage.appliesRefused += 1;
    if (Object.keys(start.storeKeyStates).some((id) => this.inLag(id))) coverage.runsDuringLag += 1;
    this.journalSeen = journal.length;
    this.requestsSeen = this.sb.requests.length;
    this.log.push(
      `run ${this.runs}: kscli ${argv.join(' ')} -> ${result.code}${result.json?.outcome ? ` (${result.json.outcome})` : ''}`,
    );
    const violations = runViolations(rec, this.sb.model);
    if (opts.interruptAfter !== undefined && result.interrupted) {
      // SIGINT while a call is in flight: that call finishes, nothing after it starts. Exit 130 when
      // items were left undone; when the interrupted call was the last one, the run is complete (0, or 8 pending).
      // "Left undone" is the world's word (issue 18): keys the command had to act on, never asked
      // about in this run, and not done in AWS now; for delete-store's exit 0, the store still there
      const undone = leftUndone(
        rec.argv,
        start,
        namedKeys(rec.argv, '--key', start),
        namedKeys(rec.argv, '--exclude-key', start),
        requests,
        (id) => {
          const k = keyFacts(this.sb.model, id);
          return k.exists ? k.state : undefined;
        },
      );
      if (rec.argv[0] === 'delete-store' && result.code === 0 && storeFacts(this.sb.model, this.store).exists)
        undone.push(`store ${this.store}`);
      if (undone.length > 0 && (result.code === 0 || result.code === 8))
        violations.push(
          `I1 SIGINT during apply, yet exit ${result.code} while the world shows ${undone.length} item(s) left undone: ${undone.join(', ')}`,
        );
      const after = requests.filter((r) => r.caller === 'kscli' && r.mutating).slice(opts.interruptAfter);
      if (after.length)
        violations.push(
          `I2 ${after.length} mutating call(s) started after SIGINT: ${after.map((r) => `${r.operation} ${JSON.stringify(r.params)}`).join(', ')}`,
        );
    }
    if (violations.length)
      throw new Error(
        `${violations.join('\n')}\n--- story ---\n${this.log.join('\n')}\n--- stderr of the last run ---\n${result.stderr}`,
      );
    return result;
  }

  /** the key is past its DeletionDate and AWS has not deleted it yet */
  inLag(keyId: string): boolean {
    const k = (this.sb.model as any).acc.keyById.get(keyId) as { deletionDate?: number } | undefined;
    return k?.deletionDate !== undefined && k.deletionDate <= this.sb.model.now().getTime();
  }

  /** `<command> ... --plan-out <file>`: computes and saves the plan (no prompt, no fault, no colleague) */
  async savePlan(s: KscliStep): Promise<void> {
    const path = join(this.home, `plan-${this.runs + 1}.json`);
    const argv = argvFor(s, this.sb, this.store, path);
    const savedStart = runStart(this.sb.model, this.store);
    await this.kscli(argv);
    if (!existsSync(path)) return;
    coverage.planFilesSaved += 1;
    this.planFiles.push({
      path,
      argv: argv.filter((a, i) => a !== '--plan-out' && argv[i - 1] !== '--plan-out'),
      savedStart,
    });
  }

  /** `kscli apply <saved file> --yes`; with `tamper`, on a copy with one value edited (exit 2 expected) */
  async apply(s: ApplyStep): Promise<void> {
    const saved = this.planFiles[s.pick % Math.max(1, this.planFiles.length)];
    if (!saved) return;
    const doc = JSON.parse(readFileSync(saved.path, 'utf8')) as {
      createdAt: string;
      items: Array<Record<string, unknown>>;
    };
    let path = saved.path;
    if (s.tamper) {
      // a reviewer's "small fix" after the digest was taken: the plan re-dated, or an item's status flipped
      const first = doc.items[0];
      if (s.pick % 2 === 1 && first) first.status = first.status === 'apply' ? 'skip' : 'apply';
      else doc.createdAt = new Date(Date.parse(doc.createdAt) - 3_600_000).toISOString();
      path = saved.path.replace(/\.json$/, `-tampered-${this.runs + 1}.json`);
      writeFileSync(path, JSON.stringify(doc, null, 2));
      this.note(`  (the plan file ${saved.path.split(this.home).join('~')} edited after saving)`);
    }
    const items = (JSON.parse(readFileSync(saved.path, 'utf8')) as typeof doc).items;
    // issue 18: an apply under faults, SIGINT or a colleague mid-batch, as any other run
    this.sb.setFaults(s.fault ? faultConfig(s.fault) : {});
    const extra = [
      s.fault ? `fault ${JSON.stringify(faultConfig(s.fault))}` : '',
      s.midBatch ? `mid-batch after ${s.midBatch.after}: ${s.midBatch.what}` : '',
    ].filter(Boolean);
    if (extra.length) {
      this.note(`  (${extra.join('; ')})`);
      coverage.appliesDisturbed += 1;
    }
    await this.kscli(['apply', path, '--yes', '--output', 'json'], midBatchOpts(this, s.midBatch), {
      savedArgv: saved.argv,
      items: items as PlanFileRun['items'],
      tampered: s.tamper,
      savedStart: saved.savedStart,
    });
    this.sb.setFaults({});
  }

  note(line: string): void {
    this.log.push(line);
    this.requestsSeen = this.sb.requests.length;
  }

  /** Faults off, colleague gone: delete-store again and again must end with the store deleted. */
  async converge(): Promise<void> {
    this.sb.setFaults({});
    const flags = new Set<string>(['--yes', '--output', 'json']);
    for (let i = 0; i < 16; i++) {
      const r = await this.kscli(['delete-store', this.store, ...flags, '--wait-timeout', '10m']);
      if (r.code === 0) {
        if (storeFacts(this.sb.model, this.store).exists)
          throw new Error(`C1 delete-store exit 0 but the store still exists\n${this.log.join('\n')}`);
        coverage.converged += 1;
        return;
      }
      if (r.code === 8) {
        // come back exactly when kscli said (AWS deletes up to 24 h after the DeletionDate): C5
        const next = Date.parse(String(r.json?.nextRunAfter ?? ''));
        // C5 over EVERY key of the store the world shows pending deletion now (not kscli's keysLeft):
        // the store cannot go before all of them are gone, so nextRunAfter must cover each one
        const acc = (this.sb.model as any).acc;
        const waitedFor = storeFacts(this.sb.model, this.store).keyIds.filter(
          (id) => acc.keyById.get(id)?.state === 'PendingDeletion',
        );
        if (Number.isFinite(next) && waitedFor.length > 0) {
          this.sb.advance(Math.max(0, next - this.sb.model.now().getTime()));
          this.note(`sandbox advance to nextRunAfter ${new Date(next).toISOString()}`);
          coverage.cameBackAtNextRun += 1;
          const left = waitedFor.filter((id) => (this.sb.model as any).acc.keyById.has(id));
          if (left.length)
            throw new Error(
              `C5 kscli said to come back after ${new Date(next).toISOString()}, but then ${left.length} key(s) it waited for still exist: ${left.join(', ')} (AWS deletes up to 24 h after the DeletionDate)\n${this.log.join('\n')}`,
            );
        } else {
          this.sb.advance(31 * DAY);
          this.note('sandbox advance --days 31');
        }
        continue;
      }
      if (r.code === 3) {
        // the operator does what the message says: add the override flags it names
        const named = [...new Set((r.stderr.match(/--(allow-[a-z-]+|no-alarm)/g) ?? []).filter((f) => !flags.has(f)))];
        if (named.length === 0)
          throw new Error(`C2 delete-store is blocked and names no way forward\n${this.log.join('\n')}\n${r.stderr}`);
        for (const f of named) flags.add(f);
        continue;
      }
      // any other exit without faults or a colleague is already an E1 violation (kscli() threw)
      throw new Error(
        `E1 delete-store exit ${r.code} with no faults and no colleague\n${this.log.join('\n')}\n${r.stderr}`,
      );
    }
    throw new Error(`C4 delete-store did not finish in 16 runs\n${this.log.join('\n')}`);
  }
}

/** SIGINT or a colleague's action after the n-th mutating call of a run. */
function midBatchOpts(
  sc: Scenario,
  midBatch: { after: number; what: ActorAction | 'sigint' } | undefined,
): Parameters<typeof runKscli>[4] {
  if (!midBatch) return {};
  if (midBatch.what === 'sigint') return { interruptAfter: midBatch.after };
  const what = midBatch.what;
  return {
    midBatch: {
      after: midBatch.after,
      act: () => {
        coverage.midBatchActs += 1;
        act(sc.sb, sc.store, what, 1);
      },
    },
  };
}

/** The colleague acts once, right after kscli's first request `op` (after the prompt, if asked). */
function readRaceOpts(sc: Scenario, race: NonNullable<KscliStep['readRace']>): Parameters<typeof runKscli>[4] {
  let fired = false;
  return {
    onRequest: (req, afterPrompt) => {
      if (fired || req.operation !== race.op || (race.afterPrompt && !afterPrompt)) return;
      fired = true;
      coverage.readRaces += 1;
      if (race.what !== 'stop-query') return act(sc.sb, sc.store, race.what, 2);
      const queryId = req.answer?.queryId;
      if (!queryId) return;
      try {
        sc.sb.actor('StopQuery', { queryId }, 'logs');
        coverage.queriesStopped += 1;
      } catch {
        /* the query had already ended: nothing to stop */
      }
    },
  };
}

/** Plays one generated schedule; throws (with the whole story) when an invariant breaks. Returns the played scenario. */
export async function play(
  { store, steps, disconnectMs, world, insightsRunMs, shortLogGroup, fastDescribeKey }: ScenarioSpec,
  ports: AwsPorts = realPorts,
): Promise<Scenario> {
  coverage.scenarios += 1;
  const sc = new Scenario(store, ports, disconnectMs, world, insightsRunMs, shortLogGroup);
  sc.sb.fastDescribeKey = fastDescribeKey === true;
  if (shortLogGroup) {
    coverage.shortLogGroups += 1;
    sc.note(
      `world: the trail's log group ${shortLogGroup.how === 'created' ? 'was created' : 'keeps'} ${shortLogGroup.days} day(s)${shortLogGroup.how === 'created' ? ' ago' : ''}`,
    );
  }
  for (const s of steps) {
    if (s.kind === 'advance') {
      sc.sb.advance(s.hours * 3_600_000);
      sc.note(`sandbox advance --hours ${s.hours}`);
      continue;
    }
    if (s.kind === 'actor') {
      act(sc.sb, store, s.action, s.pick);
      sc.note(`colleague: ${s.action}`);
      continue;
    }
    if (s.kind === 'apply') {
      await sc.apply(s);
      continue;
    }
    if (s.planOut) {
      await sc.savePlan(s);
      continue;
    }
    const argv = argvFor(s, sc.sb, store);
    sc.sb.setFaults(s.fault ? faultConfig(s.fault) : {});
    const opts: Parameters<typeof runKscli>[4] = {};
    if (s.confirm === 'refuse') opts.refuse = true;
    if (s.confirm !== 'yes')
      opts.onPrompt = () => {
        if (!s.race) return;
        coverage.promptRaces += 1;
        act(sc.sb, store, s.race, 0);
      };
    Object.assign(opts, midBatchOpts(sc, s.midBatch), s.readRace ? readRaceOpts(sc, s.readRace) : {});
    const extra = [
      s.fault ? `fault ${JSON.stringify(faultConfig(s.fault))}` : '',
      s.race && s.confirm !== 'yes' ? `colleague during prompt: ${s.race}` : '',
      s.confirm === 'refuse' ? 'the operator refuses at the prompt' : '',
      s.midBatch ? `mid-batch after ${s.midBatch.after}: ${s.midBatch.what}` : '',
      s.readRace
        ? `colleague right after kscli's first ${s.readRace.op}${s.readRace.afterPrompt ? ' after the prompt' : ''}: ${s.readRace.what}`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (extra) sc.note(`  (${extra})`);
    const injectedBefore = sc.sb.requests.filter((r) => r.fault).length;
    await sc.kscli(argv, opts);
    const injected = sc.sb.requests.filter((r) => r.fault).length - injectedBefore;
    if (injected > 0) {
      coverage.faultedRuns += 1;
      coverage.injected += injected;
    }
    sc.sb.setFaults({});
  }
  await sc.converge();
  return sc;
}
