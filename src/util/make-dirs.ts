/**
 * `mkdir -p`, one level at a time. Node's own `mkdirSync(dir, { recursive: true })` spins forever
 * (100% CPU, no error) when an ancestor is a pseudo-filesystem that answers ENOENT to mkdir, such as
 * /proc (`--journal /proc/x/y`); creating each missing level ourselves fails at once instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      // another process may have created it meanwhile
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
