/**
 * Writing a plan file: the canonical bytes, written to a temporary file beside the target and
 * renamed over it, so a crash never leaves half a plan that a later `apply` could misread (it would
 * fail its digest anyway, but a reviewer should not be handed a torn file either). The file is
 * meant to be attached to a change ticket: it holds the account's layout (key IDs, ARNs, the
 * caller), never a credential.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { ExitCode, KscliError } from '../../errors.js';
import type { PlanFile } from './document.js';
import { serializePlan } from './seal.js';

export function writePlanFile(path: string, plan: PlanFile, pid: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${pid}.tmp`);
  try {
    writeFileSync(tmp, serializePlan(plan), { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing was created */
    }
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new KscliError(
      ExitCode.BadInput,
      `cannot write the plan file ${path} (${code})`,
      'choose a writable path with --plan-out <file>',
      { cause: err },
    );
  }
}
