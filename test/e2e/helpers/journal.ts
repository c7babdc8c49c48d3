/**
 * kscli's journals (one JSON line per mutating call, phase "intent" then "outcome"; plus
 * "key-seen" lines), read from a workspace's ~/.kscli/journal or from a --journal path, and the
 * cross-check issue 6 asks for: every mutating request that reached the sandbox appears in a
 * journal with its outcome.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMutatingRequest, type LoggedRequest } from './request-log.js';

export interface JournalLine {
  operation?: string;
  target?: string;
  phase?: 'intent' | 'outcome';
  outcome?: string;
  type?: string;
  [field: string]: unknown;
}

/** Every line of a journal file; `L` narrows the line type for a caller that knows more of it. */
export function readJournal<L = JournalLine>(path: string): L[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as L);
}

/** Every line of every journal in a directory (a workspace's `journalDir`). */
export function readJournalDir(dir: string): JournalLine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readJournal<JournalLine>(join(dir, n)));
}

/**
 * The mutating requests (that AWS accepted) with no journal "outcome" line of the same operation
 * whose target appears in the request's parameters (key ID, store ID, filter or alarm name).
 */
export function unjournaledRequests(requests: LoggedRequest[], journal: JournalLine[]): string[] {
  const outcomes = journal.filter(
    (e) => e.phase === 'outcome' && typeof e.operation === 'string' && typeof e.target === 'string',
  );
  return requests
    .filter((r) => isMutatingRequest(r) && r.outcome === 'ok')
    .filter(
      (r) =>
        !outcomes.some(
          (e) => e.operation === r.operation && JSON.stringify(r.params ?? {}).includes(e.target as string),
        ),
    )
    .map((r) => `${r.operation} ${JSON.stringify(r.params)}`);
}
