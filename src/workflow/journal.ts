/**
 * The journal: one JSON line per mutating call, written BEFORE the call (phase "intent") and AFTER
 * it (phase "outcome"), so an interrupted run still shows what may have happened. It lives at
 * ~/.kscli/journal/<account>-<region>-<storeId>.jsonl (dir 0700, file 0600; --journal overrides).
 *
 * It also remembers every key kscli has seen ({type: "key-seen"}), so that `backups` can judge
 * which cluster backups may hold key material after the keys themselves are gone (aws-facts 7:
 * backups taken on or after a key's creation date may hold it).
 *
 * Never write credentials here: entries carry the caller ARN (an identity), never keys or tokens.
 */
import { makeDirs } from '../util/make-dirs.js';
import { appendFileSync, chmodSync, closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KscliError, ExitCode } from '../errors.js';
import type { KeyInfo } from '../aws/ports.js';

export interface JournalIdentity {
  account: string;
  region: string;
  callerArn: string;
  command: string;
}

export interface CallEntry {
  time: string;
  account: string;
  region: string;
  callerArn: string;
  command: string;
  operation: string;
  target: string;
  params: Record<string, unknown>;
  phase: 'intent' | 'outcome';
  outcome?: 'ok' | 'error' | 'skipped';
  error?: string;
  /** the override flags in force for this run (--force, --allow-*, --no-alarm) */
  overrides?: string[];
  /** facts returned by the call or read back (deletion date, "already done", a race noticed) */
  result?: Record<string, unknown>;
  /** `kscli apply FILE`: the digest of the saved plan this run applies (on every line of the run) */
  planDigest?: string;
}

export interface KeySeenEntry {
  type: 'key-seen';
  time: string;
  keyId: string;
  arn: string;
  creationDate: string;
  storeId?: string;
  clusterId?: string;
  planDigest?: string;
}

/** The default journal file of one store in one account and region. */
export function defaultJournalPath(home: string, account: string, region: string, storeId: string): string {
  return join(home, '.kscli', 'journal', `${account}-${region}-${storeId}.jsonl`);
}

export class Journal {
  private seen: Set<string> | undefined;
  private planDigest: string | undefined;

  constructor(
    readonly path: string,
    private readonly who: JournalIdentity,
    private readonly now: () => Date,
    /** create parent directories 0700 (only the default location: a --journal dir is the operator's) */
    private readonly createPrivateDirs: boolean,
  ) {}

  /**
   * Makes sure the file can be written, before any mutating call: a journal path that cannot be
   * written is bad input (exit 2), discovered before anything changes.
   */
  ensureWritable(): void {
    try {
      const dir = dirname(this.path);
      if (!existsSync(dir)) {
        makeDirs(dir, this.createPrivateDirs ? 0o700 : undefined);
      }
      const fd = openSync(this.path, 'a', 0o600);
      closeSync(fd);
      // A file created earlier by another tool may be wider: a journal reveals the account's layout.
      if ((statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new KscliError(
        ExitCode.BadInput,
        `cannot write the journal ${this.path} (${code})`,
        'choose a writable file with --journal <path>',
        {
          cause: err,
        },
      );
    }
  }

  /** Every line written from now on carries the saved plan's digest (`kscli apply FILE`). */
  bindPlan(digest: string): void {
    this.planDigest = digest;
  }

  private appendLine(obj: object): void {
    const line = this.planDigest ? { ...obj, planDigest: this.planDigest } : obj;
    appendFileSync(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  /** One line per call phase. */
  call(entry: Omit<CallEntry, 'time' | 'account' | 'region' | 'callerArn' | 'command'>): void {
    const line: CallEntry = {
      time: this.now().toISOString(),
      account: this.who.account,
      region: this.who.region,
      callerArn: this.who.callerArn,
      command: this.who.command,
      ...entry,
    };
    this.appendLine(line);
  }

  /** Every line of the journal, parsed; lines that do not parse are ignored (a crash mid-write). */
  entries(): Array<CallEntry | KeySeenEntry> {
    if (!existsSync(this.path)) return [];
    const out: Array<CallEntry | KeySeenEntry> = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        /* a torn last line after a crash: skip it */
      }
    }
    return out;
  }

  keysSeen(): KeySeenEntry[] {
    return this.entries().filter((e): e is KeySeenEntry => (e as KeySeenEntry).type === 'key-seen');
  }

  /** Records keys not recorded before (the first time kscli sees them). */
  recordKeysSeen(keys: KeyInfo[]): void {
    if (!this.seen) this.seen = new Set(this.keysSeen().map((k) => k.keyId));
    for (const k of keys) {
      if (this.seen.has(k.keyId)) continue;
      this.seen.add(k.keyId);
      const entry: KeySeenEntry = {
        type: 'key-seen',
        time: this.now().toISOString(),
        keyId: k.keyId,
        arn: k.arn,
        creationDate: k.creationDate.toISOString(),
        storeId: k.customKeyStoreId,
        clusterId: k.cloudHsmClusterId,
      };
      this.appendLine(entry);
    }
  }
}
