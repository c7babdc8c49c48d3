/**
 * "Nothing changed", measured on everything a kscli run could change (issue 12 item 8): the served
 * sandbox's account (GET /__sandbox/state), and every file of the workspace (HOME with its journal
 * and lock directories, the spare and corrupt state files other cases point kscli at). A digest of
 * each, compared before and after a run.
 *
 * What a read legitimately changes is left out: the CloudTrail events AWS records for read-only
 * calls, the event counter, and their delivery to CloudWatch Logs (the trail's last delivery time,
 * the log group's stored bytes). Everything else, including a refused mutating call's event, counts.
 * Journal files are compared by their call lines: a run that reads the store records the keys it
 * saw ("key-seen" lines, the inventory `kscli orphans` works from) even when it then stops at a
 * blocked plan; that is a read, not a change. Every intent or outcome line counts.
 * The served sandbox's own files (its state file, request log and server record) are left out of
 * the file digest: the server rewrites them on its own schedule; its account is compared instead.
 * So is the cache directory with kscli's compiled-code cache (`<HOME>/.cache/kscli/`,
 * src/aws/compile-cache.ts): V8's bytecode for the SDK, written by any run that loaded the SDK,
 * bad input included; it holds no state, and deleting it changes nothing but start-up time.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { E2E } from './e2e.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export interface WorldDigest {
  /** the account, without read-only CloudTrail events */
  account: string;
  /** one line per file or directory of the workspace: path, type, mode, content digest */
  files: string[];
}

export async function accountDigest(t: E2E): Promise<string> {
  const res = await fetch(`${t.sandbox.url}/__sandbox/state`);
  if (!res.ok) throw new Error(`GET /__sandbox/state: ${res.status}`);
  const state = (await res.json()) as {
    events?: Array<{ readOnly?: boolean }>;
    nextSeq?: number;
    trails?: Array<Record<string, unknown>>;
    logGroups?: Array<Record<string, unknown>>;
  };
  const { nextSeq: _seq, events, trails, logGroups, ...rest } = state;
  return sha(
    JSON.stringify({
      ...rest,
      events: (events ?? []).filter((e) => !e.readOnly),
      trails: (trails ?? []).map(({ lastCwlDelivery: _d, ...t }) => t),
      // the log group stores each delivered CloudTrail event (Logs Insights queries read them): a
      // read-only call's event is a read, as in `events` above; the rest must not change
      logGroups: (logGroups ?? []).map(({ storedBytes: _b, events: delivered, firstOrdinal: _f, ...g }) => ({
        ...g,
        events: ((delivered as Array<{ m: string }> | undefined) ?? []).filter((e) => !isReadOnlyMessage(e.m)),
      })),
    }),
  );
}

/**
 * Each delivered message's answer, kept for the file's process: the log group only grows, and
 * bad-input.test.ts takes two digests per case, so without it every digest re-parsed every event
 * delivered since the file started (0.6 s of the test process's CPU there, more than its spawns).
 */
const readOnlyMessages = new Map<string, boolean>();

function isReadOnlyMessage(message: string): boolean {
  let readOnly = readOnlyMessages.get(message);
  if (readOnly === undefined) {
    try {
      readOnly = (JSON.parse(message) as { readOnly?: boolean }).readOnly === true;
    } catch {
      readOnly = false;
    }
    readOnlyMessages.set(message, readOnly);
  }
  return readOnly;
}

const KEY_SEEN = /^\{"type":"key-seen"/;

export function filesDigest(dir: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (skip(p)) continue;
      const st = lstatSync(p);
      const rel = relative(dir, p);
      const inJournalDir = rel.includes(join('.kscli', 'journal'));
      if (st.isDirectory()) {
        if (!inJournalDir && name !== 'journal') out.push(`${rel}/ dir ${(st.mode & 0o777).toString(8)}`);
        walk(p);
      } else if (inJournalDir && st.isFile()) {
        const calls = readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '' && !KEY_SEEN.test(l));
        if (calls.length) out.push(`${rel} journal ${(st.mode & 0o777).toString(8)} ${sha(calls.join('\n'))}`);
      } else
        out.push(
          `${rel} ${st.isSymbolicLink() ? 'link' : 'file'} ${(st.mode & 0o777).toString(8)} ${st.isFile() ? sha(readFileSync(p)) : ''}`,
        );
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export async function worldDigest(t: E2E): Promise<WorldDigest> {
  const served = t.sandbox.statePath;
  // `<HOME>/.cache` as a whole: the XDG cache directory holds nothing but caches by definition
  const isCompileCache = (p: string): boolean => /[/\\]\.cache$/.test(p);
  return {
    account: await accountDigest(t),
    files: filesDigest(t.ws.dir, (p) => p.startsWith(served) || isCompileCache(p)),
  };
}
