/**
 * The safety invariants of issue 6, judged after every kscli run against the sandbox's own record
 * (its request log with a snapshot of the world at each mutating request) and the journal:
 *
 *  S1 no key outside the target store is ever scheduled (not even asked for)
 *  S2 no store is deleted (nor DeleteCustomKeyStore sent) while it holds keys
 *  S3 no CloudHSM store is disconnected while its keys wait for deletion, without --allow-orphaned-material
 *  S4 (issue 2 precondition) no key of a CloudHSM store that is not CONNECTED is scheduled without --allow-disconnected
 *  S5 (issue 2 precondition) no store with Enabled keys is disconnected without --force
 *  J1 every mutating request kscli made appears in the journal with its outcome
 *  J2 every journal intent has its outcome line (the run did not die)
 *  J3 a call the journal or the output reports done was done: AWS shows its effect
 *  E1 the exit code is a documented one; no "unexpected error" (a bug); exit 1 says what to do next;
 *     a run blocked at its plan made no mutating request
 */
import type { LoggedRequest } from './in-process-sandbox.js';
import type { JournalLine, KscliResult } from './kscli-in-process.js';
import type { SandboxModel } from '../../../src/sandbox/contract.js';
import { keyFacts, keyIdOf, storeFacts, targetOfParams } from './world.js';

export interface RunRecord {
  run: number;
  argv: string[];
  /** the command's store */
  storeId: string;
  result: KscliResult;
  /** journal lines this run wrote */
  journal: JournalLine[];
  /** every request made during this run (kscli's and the actor's), in order */
  requests: LoggedRequest[];
  /** faults were injected during this run */
  faulted: boolean;
}

const has = (argv: string[], flag: string) => argv.includes(flag);

/** S1-S5 for one mutating request kscli made. */
export function requestViolations(req: LoggedRequest, rec: RunRecord): string[] {
  const v: string[] = [];
  const s = req.snapshot ?? {};
  const where = `${req.operation} ${JSON.stringify(req.params)} (run ${rec.run}: kscli ${rec.argv.join(' ')})`;
  const pending = s.storeKeyStates?.PendingDeletion ?? 0;
  const total = Object.values(s.storeKeyStates ?? {}).reduce((a, b) => a + b, 0);
  switch (req.operation) {
    case 'ScheduleKeyDeletion':
      if (s.keyStoreId !== rec.storeId) v.push(`S1 key outside store ${rec.storeId} scheduled (its store: ${s.keyStoreId ?? 'none'}): ${where}`);
      else if (s.storeType === 'AWS_CLOUDHSM' && s.storeState !== 'CONNECTED' && !has(rec.argv, '--allow-disconnected')) {
        v.push(`S4 key scheduled while its CloudHSM store was ${s.storeState}, without --allow-disconnected: ${where}`);
      }
      break;
    case 'DeleteCustomKeyStore':
      if (total > 0) v.push(`S2 DeleteCustomKeyStore sent while the store held ${total} key(s) ${JSON.stringify(s.storeKeyStates)} (answer: ${req.outcome}): ${where}`);
      break;
    case 'DisconnectCustomKeyStore':
      if (s.storeType === 'AWS_CLOUDHSM' && pending > 0 && !has(rec.argv, '--allow-orphaned-material')) {
        v.push(`S3 CloudHSM store disconnected while ${pending} key(s) wait for deletion, without --allow-orphaned-material (answer: ${req.outcome}): ${where}`);
      }
      if ((s.storeKeyStates?.Enabled ?? 0) > 0 && !has(rec.argv, '--force')) {
        v.push(`S5 store disconnected with ${s.storeKeyStates!.Enabled} Enabled key(s), without --force (answer: ${req.outcome}): ${where}`);
      }
      break;
    default:
      break;
  }
  return v;
}

function journalTarget(line: JournalLine): string[] {
  const t = [line.target, targetOfParams(line.params)].filter((x): x is string => typeof x === 'string');
  return t.map((x) => keyIdOf(x) ?? x);
}

/** J1-J3 and E1 for one run. */
export function runViolations(rec: RunRecord, model: SandboxModel): string[] {
  const v: string[] = [];
  const { result } = rec;
  const cmd = `run ${rec.run}: kscli ${rec.argv.join(' ')} -> exit ${result.code}`;
  const mine = rec.requests.filter((r) => r.caller === 'kscli' && r.mutating);
  for (const req of mine) v.push(...requestViolations(req, rec));

  // J1: every mutating request kscli made is in this run's journal with an outcome
  const outcomes = rec.journal.filter((l) => l.phase === 'outcome');
  for (const req of mine) {
    const target = targetOfParams(req.params);
    const found = outcomes.some((l) => l.operation === req.operation && (target === undefined || journalTarget(l).includes(target)));
    if (!found) v.push(`J1 ${req.operation} on ${target} (answer ${req.outcome}) is not in the journal with an outcome (${cmd})`);
  }
  // J2: no intent without its outcome
  for (const intent of rec.journal.filter((l) => l.phase === 'intent')) {
    const done = outcomes.some((o) => o.operation === intent.operation && o.target === intent.target && o.time >= intent.time);
    if (!done) v.push(`J2 journal intent ${intent.operation} ${intent.target} has no outcome line (${cmd})`);
  }
  // J3: what the journal reports done, AWS did (unless a colleague undid it within this run)
  const actorTouched = new Set(rec.requests.filter((r) => r.caller === 'actor').flatMap((r) => [targetOfParams(r.params), r.snapshot?.storeId].filter(Boolean) as string[]));
  // what the output reports done counts as much as the journal: the operator reads the output
  const reportedDone: JournalLine[] = ((result.json?.plan as Array<{ action?: string; target?: string; result?: string }> | undefined) ?? [])
    .filter((p) => p.result === 'done')
    .map((p) => ({ time: '', operation: p.action, target: p.target, phase: 'outcome', outcome: 'ok' }));
  for (const line of [...outcomes.filter((l) => l.outcome === 'ok'), ...reportedDone]) {
    const target = journalTarget(line)[0];
    if (!target || actorTouched.has(target)) continue;
    const k = keyFacts(model, target);
    switch (line.operation) {
      case 'ScheduleKeyDeletion':
        if (k.exists && k.state !== 'PendingDeletion') v.push(`J3 journal says ScheduleKeyDeletion ${target} ok, but AWS shows ${k.state} (${cmd})`);
        break;
      case 'CancelKeyDeletion':
        if (k.exists && k.state === 'PendingDeletion') v.push(`J3 journal says CancelKeyDeletion ${target} ok, but AWS shows PendingDeletion (${cmd})`);
        break;
      case 'EnableKey':
        if (k.exists && k.logicalState !== 'Enabled') v.push(`J3 journal says EnableKey ${target} ok, but the key is ${k.logicalState} (${cmd})`);
        break;
      case 'DisconnectCustomKeyStore': {
        const st = storeFacts(model, target);
        if (st.exists && st.state !== 'DISCONNECTED' && st.state !== 'DISCONNECTING') v.push(`J3 journal says DisconnectCustomKeyStore ok, but the store is ${st.state} (${cmd})`);
        break;
      }
      case 'DeleteCustomKeyStore':
        if (storeFacts(model, target).exists) v.push(`J3 journal says DeleteCustomKeyStore ok, but the store still exists (${cmd})`);
        break;
      default:
        break;
    }
  }

  // E1: documented exit codes, explained failures, blocked plans change nothing
  if (![0, 1, 3, 8, 130].includes(result.code)) v.push(`E1 exit ${result.code} is not expected here (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`);
  if (/unexpected error/.test(result.stderr)) v.push(`E1 "unexpected error" (a bug) (${cmd}); stderr: ${result.stderr.trim().slice(0, 600)}`);
  if (result.code === 1) {
    const lines = result.stderr.split('\n');
    const i = lines.findIndex((l) => l.startsWith('kscli: '));
    if (i < 0 || !/^\s+\S/.test(lines[i + 1] ?? '')) v.push(`E1 exit 1 without a "kscli: <what happened>" line and a hint on what to do next (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`);
  }
  if (result.code === 1 && !rec.faulted) v.push(`E1 exit 1 with no fault injected (${cmd}); stderr: ${result.stderr.trim().slice(0, 400)}`);
  if (result.code === 3 && result.json?.outcome === 'blocked' && !(result.json.plan as any[] | undefined)?.some((p) => p.result !== undefined) && mine.length > 0) {
    v.push(`E1 blocked at the plan, yet ${mine.length} mutating request(s) were made (${cmd})`);
  }
  return v;
}
