/**
 * Removes a run's temporary home: a few small directories and files that kscli wrote. Node's
 * rmSync tries rmdir first on every directory and recurses on the ENOTEMPTY error it throws, which
 * made removing 1,300 homes a visible cost of the property test (issue 17); this lists first.
 * Anything unexpected (a file vanished, a permission) falls back to rmSync.
 */
import { readdirSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export function removeTree(dir: string): void {
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) removeTree(path);
      else unlinkSync(path);
    }
    rmdirSync(dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}
