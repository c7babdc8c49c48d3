/**
 * `sandbox reset` starts a fresh journal for the sandbox: the journals of the sandbox's accounts
 * (~/.kscli/journal/<account>-<region>-<subject>.jsonl) are moved aside, into
 * ~/.kscli/journal/before-reset-<time>/, so that a later rehearsal's "since" dates and key-seen
 * records (backups judges backups by them) never come from an earlier rehearsal on a world that
 * no longer exists. Moved, not deleted: a journal is the record of what was done.
 * Only files named after one of the sandbox's accounts move; the journals of real accounts stay.
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';

export interface ArchivedJournals {
  dir: string;
  files: string[];
}

export function archiveJournals(home: string, accounts: string[], now: Date): ArchivedJournals | undefined {
  const root = join(home, '.kscli', 'journal');
  if (!existsSync(root) || accounts.length === 0) return undefined;
  const wanted = new Set(accounts);
  const files = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl') && wanted.has(e.name.split('-')[0]!))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) return undefined;
  const dir = join(root, `before-reset-${now.toISOString().replace(/[:.]/g, '-')}`);
  makeDirs(dir, 0o700);
  for (const f of files) renameSync(join(root, f), join(dir, f));
  return { dir, files };
}
