/**
 * The request log: one JSON line per request, beside the state file (`<state>.requests.jsonl`),
 * also kept in memory. Tests read it to prove, for example, that a dry run made no mutating
 * request (architecture.md section 7). Parameters are logged as a SAFE subset: no key material,
 * no passwords, never the Authorization header or the access key ID.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ServiceName } from '../contract.js';
import { serviceEntry } from '../services/table.js';

export interface RequestLogEntry {
  /** wall-clock time the request arrived, ISO-8601 */
  time: string;
  /** the sandbox clock at that moment (real time plus what `advance` added), ISO-8601 */
  sandboxTime?: string;
  /**
   * wall-clock time the answer was sent (or the connection dropped), ISO-8601: with `time`, when
   * a request was in flight (two requests overlap when one arrived before the other's answer)
   */
  answerTime?: string;
  requestId: string;
  service?: ServiceName;
  operation?: string;
  region?: string;
  /** the account the call acted in (the caller's, or the one its assumed-role session belongs to) */
  account?: string;
  protocol?: string;
  params?: Record<string, unknown>;
  /** `ok`, or the error code answered (`ThrottlingException`, `KMSInvalidStateException`, ...), or `dropped` */
  outcome: string;
  status: number;
  durationMs: number;
  /** the operation changes state (isMutating), whatever the outcome */
  mutating: boolean;
  /** a fault was injected: `error`, `throttle`, `drop`, `drop-after`, `quota`, `stale` */
  fault?: string;
  /**
   * the account model handled the request (true even when the answer was then lost, and when the
   * model refused it); false when an injected fault or a quota answered before the model saw it.
   * Tests judge what a client ASKED for from every entry, and what AWS DID from the handled ones.
   */
  handled?: boolean;
  /**
   * the client closed the connection before the answer was written (it gave up waiting, or exited
   * with the call in flight): the answer never reached it, whatever `outcome` says
   */
  clientGone?: boolean;
}

/** True when the operation changes the account: Create*, Delete*, Put* in every service, and each service's `mutating` list. */
export function isMutating(service: string | undefined, operation: string | undefined): boolean {
  if (!operation) return false;
  if (/^(Create|Delete|Put)/.test(operation)) return true;
  return Boolean(service && serviceEntry(service)?.mutating?.includes(operation));
}

/** Members never logged: key material, secrets, and credentials of external key store proxies. */
const SECRET_FIELDS =
  /^(Plaintext|CiphertextBlob|KeyStorePassword|XksProxyAuthenticationCredential|RawSecretAccessKey|AccessKeyId|SecretAccessKey|SessionToken|Password|TrustAnchorCertificate|PublicKey|KeyMaterial|ImportToken|Message|Signature)$/i;
const MAX_STRING = 256;
const MAX_ITEMS = 20;

/** A copy of the input that is safe to write to disk: secrets replaced, long values cut. */
export function safeParams(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string')
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...(${value.length} chars)` : value;
  if (typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => safeParams(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`...(${value.length} items)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.test(k) ? '[redacted]' : safeParams(v, depth + 1);
  }
  return out;
}

export function requestLogPath(statePath: string): string {
  return `${statePath}.requests.jsonl`;
}

/** Reads the request log of the sandbox whose state file is `statePath` (empty when none). */
export function readRequestLog(statePath: string): RequestLogEntry[] {
  const file = requestLogPath(statePath);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  // the last element is '' after a complete line, or a line the server is writing right now
  lines.pop();
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as RequestLogEntry);
}

/** How many entries the in-memory log keeps; the file keeps everything. */
const MEMORY_LIMIT = 50_000;

export class RequestLog {
  private fd: number | undefined;
  private readonly entries: RequestLogEntry[] = [];

  constructor(private readonly file?: string) {}

  /**
   * Written synchronously, one `write` per line on an open descriptor: a test that reads the file
   * right after its client got the answer sees the line (the answer is sent after the append).
   */
  append(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MEMORY_LIMIT) this.entries.splice(0, this.entries.length - MEMORY_LIMIT);
    if (!this.file) return;
    this.fd ??= openSync(this.file, 'a', 0o600);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** After another process reset the state (and its log), write to the new file. */
  reopen(): void {
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
