/**
 * The sandbox's request log: one JSON line per request at `<state file>.requests.jsonl`
 * (src/sandbox/server/request-log.ts writes it before answering, so it is complete as soon as the
 * client has its answer). Tests read the file, not the product's reader, and judge "mutating"
 * twice: by the log's own `mutating` flag AND by an independent list of the AWS verbs that change
 * an account, so a mistake in the sandbox's classification cannot hide a mutating call.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface LoggedRequest {
  time: string;
  sandboxTime?: string;
  requestId: string;
  service?: string;
  operation?: string;
  region?: string;
  /** the wire protocol the request came in (`awsJson1_1`, `awsQuery`, `restXml`, ...) */
  protocol?: string;
  params?: Record<string, unknown>;
  outcome: string;
  status: number;
  mutating: boolean;
  fault?: string;
  /** the account model handled the request (false when a fault or a quota answered first) */
  handled?: boolean;
  /** the client closed the connection before the answer was written */
  clientGone?: boolean;
}

export function requestLogFile(statePath: string): string {
  return `${statePath}.requests.jsonl`;
}

/**
 * The log's whole lines: with runs side by side, the server may be writing the next line right
 * now (one write per line), and text after the last newline is not a request yet.
 */
function wholeLines(statePath: string): string[] {
  const file = requestLogFile(statePath);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.trim() !== '');
}

/**
 * Every request logged so far (empty when the sandbox has not been called yet), or those after
 * the first `from`: only those lines are parsed (a test's log grows with every run; marks and
 * "the requests since" were parsing the whole of it each time).
 */
export function readRequestLog(statePath: string, from = 0): LoggedRequest[] {
  return wholeLines(statePath)
    .slice(from)
    .map((line) => JSON.parse(line) as LoggedRequest);
}

/** How many requests are logged so far: `readRequestLog(statePath).length`, without parsing them. */
export function countRequests(statePath: string): number {
  return wholeLines(statePath).length;
}

/**
 * AWS operation names that change state, in every service kscli talks to. Read-only verbs are
 * Describe*, List*, Get*, Lookup*; Encrypt/Decrypt/GenerateDataKey change no resource.
 */
const MUTATING_VERB =
  /^(Create|Delete|Put|Update|Schedule|Cancel|Enable|Disable|Connect|Disconnect|Restore|Copy|Modify|Initialize|Tag|Untag|Set|Publish|Subscribe|Unsubscribe|Start|Stop|Retire|Revoke|Import|Replicate|Rotate|Add|Remove)/;

/**
 * Verbs of that list that change nothing in the account: a Logs Insights query is started and
 * stopped (issue 10's evidence source) but creates no resource; its results stay readable by its
 * ID for 7 days, like any read's answer.
 */
const READ_ONLY_EXCEPTIONS = new Set(['logs:StartQuery', 'logs:StopQuery']);

export function isMutatingRequest(r: LoggedRequest): boolean {
  if (r.mutating !== true && READ_ONLY_EXCEPTIONS.has(`${r.service}:${r.operation}`)) return false;
  return r.mutating === true || MUTATING_VERB.test(r.operation ?? '');
}

/** `service:Operation` of each mutating request, for readable assertion failures. */
export function mutatingOperations(requests: LoggedRequest[]): string[] {
  return requests.filter(isMutatingRequest).map((r) => `${r.service}:${r.operation} -> ${r.outcome}`);
}
