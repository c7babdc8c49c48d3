/**
 * The safety invariants, judged after every kscli run against the sandbox's own record (its
 * request log, with a snapshot of the world at each mutating request, whatever AWS answered), the
 * world at the start of the run, and the journal. Never against what kscli believed: the judge
 * must not share the defendant's eyes. A request AWS refused counts as much as one it granted:
 * asking for a forbidden thing is the bug, whatever the answer.
 *
 * Each invariant has a sabotage that makes it fire (sabotage.property.test.ts; the table in
 * test/reliability/README.md). The README's Safety table names the invariants of each promise.
 *
 *  S1 no key outside the target store is ever scheduled (not even asked for)
 *  S2 no DeleteCustomKeyStore sent while the store holds keys (whatever the answer)
 *  S3 no CloudHSM store disconnected while its keys wait for deletion, without --allow-orphaned-material
 *  S4 no key of a CloudHSM store that is not CONNECTED scheduled without --allow-disconnected
 *  S5 no store with Enabled keys disconnected without --force
 *  A1 no key scheduled without --no-alarm unless the sandbox holds the pending-deletion metric filter
 *     and alarm when the request arrives (its snapshot)
 *  X1 no key named by --exclude-key is touched (scheduled, cancelled, enabled)
 *  K1 a run with --key touches only the keys it names (aliases resolved as AWS resolves them)
 *  O1 a key AWS shows in use within the evidence window (its usage records), or whose evidence read
 *     the sandbox failed (world-oracle.ts), is scheduled only with --allow-in-use / --allow-unknown-usage
 *  O2 ... and the override is in the journal's intent line for that call
 *  N1 CancelKeyDeletion only for keys of the store that were pending deletion (at the start of the
 *     run or when asked)
 *  N2 EnableKey only for keys of the store that were pending deletion at the start of the run or
 *     that the journal shows kscli cancelled (never a key a human disabled)
 *  B1 a run the world's plan blocks (a key the sandbox shows in use, or whose evidence read it failed,
 *     or a CloudHSM store not CONNECTED, without the override) made no mutating request at all
 *  D1 --dry-run made no mutating request
 *  R1 a refused confirmation made no mutating request and exited 5
 *  P1 a plan file refused by `kscli apply` (edited: exit 2; the world moved: exit 3, outcome refused)
 *     made no mutating request; an edited file is always refused with exit 2
 *  P2 a successful `kscli apply` made mutating requests only for the saved plan's apply items
 *  P3 (drift refusal) an apply whose store moved since the save (the sandbox's states at the save and
 *     at the apply: a key appeared, vanished or changed state, or the store's connection state changed)
 *     is refused: no mutating request, and no exit 0 or 8
 *  J1 every mutating request kscli made appears in the journal with its outcome
 *  J2 every journal intent has its outcome line (the run did not die)
 *  J3 a call the journal or the output reports done was done: AWS shows its effect
 *  E1 the exit code is a documented one; no "unexpected error" (a bug); exit 1 says what to do next
 *     and only happens when a fault or a colleague disturbed the run
 * (I1/I2 after SIGINT and C1-C5 at convergence live in schedule-engine.ts.)
 */
import type { LoggedRequest } from './in-process-sandbox.js';
import type { JournalLine, KscliResult } from './kscli-in-process.js';
import type { SandboxModel } from '../../../src/sandbox/contract.js';
import { keyFacts, keyIdOf, storeFacts, targetOfParams, type RunStart } from './world.js';
import { cancelledByKscli, failedEvidence, keyNeeds, touchedBeforeFirstMutation, worldBlocks } from './world-oracle.js';

export interface RunRecord {
  run: number;
  argv: string[];
  /** the command's store */
  storeId: string;
  result: KscliResult;
  /** journal lines this run wrote */
  journal: JournalLine[];
  /** every journal line so far, this run's included (N2: keys kscli cancelled in any run) */
  journalSoFar: JournalLine[];
  /** every request made during this run (kscli's and the actor's), in order */
  requests: LoggedRequest[];
  /** faults were injected during this run */
  faulted: boolean;
  /** every request of the schedule so far (this run's included): N2 reads kscli's cancels from it */
  allRequests: LoggedRequest[];
  /** the terminal could prompt (no --yes): the prompter's transcript below is then the judge of R1 */
  onTerminal: boolean;
  /** the prompter's transcript: how many of this run's requests had been made when the prompt showed (undefined: no prompt) */
  promptAt?: number;
  /** the world when the run started */
  start: RunStart;
  /** the confirmation prompt was shown and the operator refused it */
  refusedPrompt: boolean;
  /** a `kscli apply` run: the saved plan (as saved, before any tampering); `argv` then holds the saved command's options */
  planFile?: PlanFileRun;
}

export interface PlanFileRun {
  /** the argv that saved the plan, without --plan-out */
  savedArgv: string[];
  /** the saved plan's items, read from the file as written by --plan-out */
  items: Array<{ target: string; action: string; status: 'apply' | 'skip' | 'blocked' }>;
  /** a value of the file was edited after saving */
  tampered: boolean;
  /** the world when the plan was saved (P3 compares it with the world when apply starts) */
  savedStart?: RunStart;
  /** the sandbox served a stale read in this run (eventual consistency may hide a drift from anyone) */
  staleRead?: boolean;
}

/**
 * What moved in the world between the save and the apply (issue 18, P3), from the sandbox alone:
 * a key of the store appeared, vanished or changed state, or the store's connection state changed.
 */
export function worldDrift(saved: RunStart, now: RunStart): string[] {
  const d: string[] = [];
  if (saved.storeState !== now.storeState) d.push(`store ${saved.storeState ?? 'gone'} -> ${now.storeState ?? 'gone'}`);
  for (const [id, st] of Object.entries(saved.storeKeyStates)) {
    const n = now.storeKeyStates[id];
    if (n !== st) d.push(`key ${id} ${st} -> ${n ?? 'deleted'}`);
  }
  for (const [id, st] of Object.entries(now.storeKeyStates))
    if (!(id in saved.storeKeyStates)) d.push(`key ${id} appeared (${st})`);
  return d;
}

const has = (argv: string[], flag: string) => argv.includes(flag);
const KEY_OPS = new Set(['ScheduleKeyDeletion', 'CancelKeyDeletion', 'EnableKey', 'DisableKey']);

/** The values of a repeatable flag, as key ids (ARNs and aliases resolved against the world at the start). */
export function namedKeys(argv: string[], flag: string, start: RunStart): Set<string> {
  const out = new Set<string>();
  argv.forEach((a, i) => {
    if (a !== flag || argv[i + 1] === undefined) return;
    const v = argv[i + 1]!;
    const alias = /alias\/.+$/.exec(v)?.[0];
    if (alias) {
      if (start.aliases[alias]) out.add(start.aliases[alias]);
    } else out.add(keyIdOf(v)!);
  });
  return out;
}

/** S1-S5 for one mutating request kscli made. */
export function requestViolations(req: LoggedRequest, rec: RunRecord): string[] {
  const v: string[] = [];
  const s = req.snapshot ?? {};
  const where = `${req.operation} ${JSON.stringify(req.params)} (answer: ${req.outcome}; run ${rec.run}: kscli ${rec.argv.join(' ')})`;
  const pending = s.storeKeyStates?.PendingDeletion ?? 0;
  const total = Object.values(s.storeKeyStates ?? {}).reduce((a, b) => a + b, 0);
  switch (req.operation) {
    case 'ScheduleKeyDeletion':
      if (s.keyStoreId !== rec.storeId)
        v.push(`S1 key outside store ${rec.storeId} scheduled (its store: ${s.keyStoreId ?? 'none'}): ${where}`);
      else if (
        s.storeType === 'AWS_CLOUDHSM' &&
        s.storeState !== 'CONNECTED' &&
        !has(rec.argv, '--allow-disconnected')
      ) {
        v.push(`S4 key scheduled while its CloudHSM store was ${s.storeState}, without --allow-disconnected: ${where}`);
      }
      // A1 (issue 18): the alarm must exist before any key becomes PendingDeletion, unless --no-alarm
      if (s.alarmInPlace === false && !has(rec.argv, '--no-alarm'))
        v.push(
          `A1 key scheduled while the sandbox held no pending-deletion metric filter and alarm, without --no-alarm: ${where}`,
        );
      break;
    case 'DeleteCustomKeyStore':
      if (total > 0)
        v.push(
          `S2 DeleteCustomKeyStore sent while the store held ${total} key(s) ${JSON.stringify(s.storeKeyStates)}: ${where}`,
        );
      break;
    case 'DisconnectCustomKeyStore':
      if (s.storeType === 'AWS_CLOUDHSM' && pending > 0 && !has(rec.argv, '--allow-orphaned-material')) {
        v.push(
          `S3 CloudHSM store disconnected while ${pending} key(s) wait for deletion, without --allow-orphaned-material: ${where}`,
        );
      }
      if ((s.storeKeyStates?.Enabled ?? 0) > 0 && !has(rec.argv, '--force')) {
        v.push(`S5 store disconnected with ${s.storeKeyStates!.Enabled} Enabled key(s), without --force: ${where}`);
      }
      break;
    default:
      break;
  }
  return v;
}

/** X1, K1, O1, O2, N1, N2: what a command may touch, from its flags and the world at the start. */
export function selectionViolations(rec: RunRecord, mine: LoggedRequest[]): string[] {
  const v: string[] = [];
  const cmd = `run ${rec.run}: kscli ${rec.argv.join(' ')}`;
  const excluded = namedKeys(rec.argv, '--exclude-key', rec.start);
  const named = namedKeys(rec.argv, '--key', rec.start);
  const intents = rec.journal.filter((l) => l.phase === 'intent');
  // N2 judges from the sandbox's request log (kscli's handled CancelKeyDeletion calls), not the journal
  const cancelled = cancelledByKscli(rec.allRequests);
  // O1 judges from the sandbox's record: its usage records and the faults it injected into evidence reads
  // ... and whether its reads covered each key's window (B11: a log group shorter than the window).
  // An apply is judged on the reads of the run that saved its plan (P1-P3 guard the gap between them).
  const evidence = failedEvidence(rec.requests, rec.planFile ? undefined : rec.start);
  const pendingAtStart = (id: string) => rec.start.storeKeyStates[id] === 'PendingDeletion';
  for (const req of mine) {
    if (!req.operation || !KEY_OPS.has(req.operation)) continue;
    const key = targetOfParams(req.params);
    if (!key) continue;
    const where = `${req.operation} ${key} (answer: ${req.outcome}; ${cmd})`;
    if (excluded.has(key)) v.push(`X1 a key named by --exclude-key was touched: ${where}`);
    if (named.size > 0 && !named.has(key)) v.push(`K1 a key not named by --key was touched: ${where}`);
    if (req.operation === 'ScheduleKeyDeletion') {
      const t = Date.parse(req.sandboxTime ?? '');
      for (const { flag, why } of keyNeeds(key, t, rec.start, evidence)) {
        if (!has(rec.argv, flag)) {
          v.push(`O1 a key in use or of unknown use (${why}) was scheduled without ${flag}: ${where}`);
          continue;
        }
        const intent = intents.find((l) => l.operation === 'ScheduleKeyDeletion' && keyIdOf(l.target) === key);
        if (!intent?.overrides?.includes(flag))
          v.push(
            `O2 ${flag} was needed to schedule ${key}, but the journal's intent line does not record it (${JSON.stringify(intent ?? null)}; ${cmd})`,
          );
      }
    }
    if (req.operation === 'CancelKeyDeletion') {
      const s = req.snapshot ?? {};
      if (s.keyStoreId !== rec.storeId || !(pendingAtStart(key) || s.keyState === 'PendingDeletion')) {
        v.push(
          `N1 CancelKeyDeletion for a key that was not pending deletion in the store (at the start: ${rec.start.storeKeyStates[key] ?? 'not in the store'}, when asked: ${s.keyState} in ${s.keyStoreId ?? 'no store'}): ${where}`,
        );
      }
    }
    if (req.operation === 'EnableKey') {
      if (!(key in rec.start.storeKeyStates) || !(pendingAtStart(key) || cancelled.has(key))) {
        v.push(
          `N2 EnableKey for a key that was neither pending deletion at the start (${rec.start.storeKeyStates[key] ?? 'not in the store'}) nor cancelled by kscli per the sandbox's request log: ${where}`,
        );
      }
    }
  }
  return v;
}

/** B1, D1, R1: runs that must change nothing. */
export function noChangeViolations(rec: RunRecord, mine: LoggedRequest[]): string[] {
  const v: string[] = [];
  const { result } = rec;
  const cmd = `run ${rec.run}: kscli ${rec.argv.join(' ')} -> exit ${result.code}`;
  const list = mine.map((r) => `${r.operation} ${targetOfParams(r.params)} -> ${r.outcome}`).join(', ');
  // B1 from the world: the plan the sandbox derives (its usage records, the evidence reads it failed,
  // the store's state) blocks this run, so no mutating request at all (not kscli's "blocked" outcome).
  // A saved plan's apply is judged by P1/P2/P3 (its plan was made, and judged, when it was saved).
  if (!rec.planFile) {
    const blocks = worldBlocks(
      rec.argv,
      rec.start,
      namedKeys(rec.argv, '--key', rec.start),
      namedKeys(rec.argv, '--exclude-key', rec.start),
      failedEvidence(rec.requests, rec.start),
      touchedBeforeFirstMutation(rec.requests),
    );
    if (blocks.length > 0 && mine.length > 0)
      v.push(
        `B1 the world blocks this plan (${blocks.slice(0, 3).join('; ')}), yet ${mine.length} mutating request(s): ${list} (${cmd})`,
      );
  }
  if ((has(rec.argv, '--dry-run') || has(rec.argv, '--plan-out')) && mine.length > 0)
    v.push(`D1 --dry-run (or --plan-out) made ${mine.length} mutating request(s): ${list} (${cmd})`);
  // R1 from the prompter's transcript: on a terminal without --yes, no mutating request before the prompt
  if (rec.onTerminal && !has(rec.argv, '--yes') && !rec.planFile && mine.length > 0) {
    const first = rec.requests.indexOf(mine[0]!);
    if (rec.promptAt === undefined || first < rec.promptAt)
      v.push(
        `R1 on a terminal without --yes, ${rec.promptAt === undefined ? 'no confirmation prompt was shown' : 'a mutating request came before the prompt'}, yet: ${list} (${cmd})`,
      );
  }
  if (rec.refusedPrompt) {
    if (mine.length > 0)
      v.push(`R1 the confirmation was refused, yet ${mine.length} mutating request(s): ${list} (${cmd})`);
    if (result.code !== 5) v.push(`R1 the confirmation was refused, yet exit ${result.code} instead of 5 (${cmd})`);
  }
  return v;
}

/**
 * P1 and P2 (issue 9, `kscli apply FILE`), judged from the sandbox's request log and the saved file:
 *  P1 a refused plan file changes nothing: an edited file (digest mismatch) is exit 2, and any refusal
 *     (exit 2, or exit 3 with outcome "refused") made no mutating request;
 *  P2 an apply that acted touched only what the saved plan listed as apply items: a key that
 *     qualifies now but was not listed (or was listed as skip/blocked) is never asked for.
 */
export function planFileViolations(rec: RunRecord, mine: LoggedRequest[]): string[] {
  const pf = rec.planFile;
  if (!pf) return [];
  const v: string[] = [];
  const { code } = rec.result;
  const cmd = `run ${rec.run}: kscli apply (${rec.argv.join(' ')}) -> exit ${code}`;
  const list = mine.map((r) => `${r.operation} ${targetOfParams(r.params)} -> ${r.outcome}`).join(', ');
  if (pf.tampered && code !== 2) v.push(`P1 an edited plan file was not refused with exit 2 (exit ${code}) (${cmd})`);
  const refused = code === 2 || (code === 3 && rec.result.json?.outcome === 'refused');
  if (refused && mine.length > 0)
    v.push(`P1 the plan file was refused (exit ${code}), yet ${mine.length} mutating request(s): ${list} (${cmd})`);
  // P3: the world moved since the save (the sandbox's own states), so the reviewed plan is not the one that would run
  const drift = pf.savedStart && !pf.tampered && !pf.staleRead ? worldDrift(pf.savedStart, rec.start) : [];
  if (drift.length > 0 && (mine.length > 0 || code === 0 || code === 8))
    v.push(
      `P3 the store moved since the plan was saved (${drift.slice(0, 3).join('; ')}), yet apply was not refused: exit ${code}, ${mine.length} mutating request(s)${list ? `: ${list}` : ''} (${cmd})`,
    );
  const listed = new Set(pf.items.filter((i) => i.status === 'apply').map((i) => keyIdOf(i.target) ?? i.target));
  for (const req of mine) {
    const target = targetOfParams(req.params);
    if (target === undefined || !listed.has(target))
      v.push(
        `P2 ${req.operation} ${target ?? JSON.stringify(req.params)} (answer ${req.outcome}) is not an apply item of the saved plan (apply items: ${[...listed].join(', ') || 'none'}) (${cmd})`,
      );
  }
  return v;
}

function journalTarget(line: JournalLine): string[] {
  const t = [line.target, targetOfParams(line.params)].filter((x): x is string => typeof x === 'string');
  return t.map((x) => keyIdOf(x) ?? x);
}

/** Every invariant of one run. */
export function runViolations(rec: RunRecord, model: SandboxModel): string[] {
  const v: string[] = [];
  const { result } = rec;
  const cmd = `run ${rec.run}: kscli ${rec.argv.join(' ')} -> exit ${result.code}`;
  const mine = rec.requests.filter((r) => r.caller === 'kscli' && r.mutating);
  for (const req of mine) v.push(...requestViolations(req, rec));
  v.push(...selectionViolations(rec, mine), ...noChangeViolations(rec, mine), ...planFileViolations(rec, mine));

  // J1: every mutating request kscli made is in this run's journal with an outcome
  const outcomes = rec.journal.filter((l) => l.phase === 'outcome');
  for (const req of mine) {
    const target = targetOfParams(req.params);
    const found = outcomes.some(
      (l) => l.operation === req.operation && (target === undefined || journalTarget(l).includes(target)),
    );
    if (!found)
      v.push(`J1 ${req.operation} on ${target} (answer ${req.outcome}) is not in the journal with an outcome (${cmd})`);
  }
  // J2: no intent without its outcome
  for (const intent of rec.journal.filter((l) => l.phase === 'intent')) {
    const done = outcomes.some(
      (o) => o.operation === intent.operation && o.target === intent.target && o.time >= intent.time,
    );
    if (!done) v.push(`J2 journal intent ${intent.operation} ${intent.target} has no outcome line (${cmd})`);
  }
  // J3: what the journal reports done, AWS did (unless a colleague undid it within this run)
  const actorTouched = new Set(
    rec.requests
      .filter((r) => r.caller === 'actor')
      .flatMap((r) => [targetOfParams(r.params), r.snapshot?.storeId].filter(Boolean) as string[]),
  );
  // what the output reports done counts as much as the journal: the operator reads the output
  const reportedDone: JournalLine[] = (
    (result.json?.plan as Array<{ action?: string; target?: string; result?: string }> | undefined) ?? []
  )
    .filter((p) => p.result === 'done')
    .map((p) => ({ time: '', operation: p.action, target: p.target, phase: 'outcome', outcome: 'ok' }));
  for (const line of [...outcomes.filter((l) => l.outcome === 'ok'), ...reportedDone]) {
    const target = journalTarget(line)[0];
    if (!target || actorTouched.has(target)) continue;
    const k = keyFacts(model, target);
    switch (line.operation) {
      case 'ScheduleKeyDeletion':
        if (k.exists && k.state !== 'PendingDeletion')
          v.push(`J3 journal says ScheduleKeyDeletion ${target} ok, but AWS shows ${k.state} (${cmd})`);
        break;
      case 'CancelKeyDeletion':
        if (k.exists && k.state === 'PendingDeletion')
          v.push(`J3 journal says CancelKeyDeletion ${target} ok, but AWS shows PendingDeletion (${cmd})`);
        break;
      case 'EnableKey':
        if (k.exists && k.logicalState !== 'Enabled')
          v.push(`J3 journal says EnableKey ${target} ok, but the key is ${k.logicalState} (${cmd})`);
        break;
      case 'DisconnectCustomKeyStore': {
        const st = storeFacts(model, target);
        if (st.exists && st.state !== 'DISCONNECTED' && st.state !== 'DISCONNECTING')
          v.push(`J3 journal says DisconnectCustomKeyStore ok, but the store is ${st.state} (${cmd})`);
        break;
      }
      case 'DeleteCustomKeyStore':
        if (storeFacts(model, target).exists)
          v.push(`J3 journal says DeleteCustomKeyStore ok, but the store still exists (${cmd})`);
        break;
      default:
        break;
    }
  }

  // E1: documented exit codes, explained failures
  // exit 2 (bad input) is expected of an edited plan file only (P1 judges it)
  if (![0, 1, 3, 5, 8, 130].includes(result.code) && !(result.code === 2 && rec.planFile?.tampered))
    v.push(`E1 exit ${result.code} is not expected here (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`);
  if (result.code === 130 && !result.interrupted) v.push(`E1 exit 130 (interrupted) without a SIGINT (${cmd})`);
  if (result.code === 5 && !rec.refusedPrompt)
    v.push(`E1 exit 5 (cancelled at the prompt) but the prompt was not refused (${cmd})`);
  if (/unexpected error/.test(result.stderr))
    v.push(`E1 "unexpected error" (a bug) (${cmd}); stderr: ${result.stderr.trim().slice(0, 600)}`);
  if (result.code === 1) {
    const lines = result.stderr.split('\n');
    const i = lines.findIndex((l) => l.startsWith('kscli: '));
    if (i < 0 || !/^\s+\S/.test(lines[i + 1] ?? ''))
      v.push(
        `E1 exit 1 without a "kscli: <what happened>" line and a hint on what to do next (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`,
      );
  }
  if (result.code === 1 && !rec.faulted)
    v.push(`E1 exit 1 with no fault injected (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`);
  return v;
}
