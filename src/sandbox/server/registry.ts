/**
 * Which server owns a state file right now: `<state>.server.json` holds `{pid, url, startedAt}`
 * while `kscli sandbox serve` (or an in-process `--sandbox`) runs. `sandbox advance` and
 * `sandbox status` go through that server's admin API instead of the file, because the server
 * keeps unsaved changes in memory (saves are debounced): editing the file under it would make one
 * side's changes lose (state-file.ts reloads, but cannot merge).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface ServerRecord {
  pid: number;
  url: string;
  startedAt: string;
}

export function serverRecordPath(statePath: string): string {
  return `${statePath}.server.json`;
}

export function registerServer(statePath: string, record: ServerRecord): void {
  writeFileSync(serverRecordPath(statePath), JSON.stringify(record), { mode: 0o600 });
}

/** Removes the record if it is still ours (another server may have started on the same file since). */
export function unregisterServer(statePath: string, record: ServerRecord): void {
  const current = readServerRecord(statePath);
  if (current && current.pid === record.pid && current.url === record.url)
    rmSync(serverRecordPath(statePath), { force: true });
}

export function readServerRecord(statePath: string): ServerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(serverRecordPath(statePath), 'utf8')) as ServerRecord;
    return typeof r.pid === 'number' && typeof r.url === 'string' && r.url.startsWith('http://127.0.0.1:')
      ? r
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls the admin API of the server that owns the state file; undefined when none is running (no
 * record, or it does not answer: the process died without cleaning up).
 */
export async function callOwningServer(
  statePath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown | undefined> {
  const record = readServerRecord(statePath);
  if (!record) return undefined;
  let res: Response;
  try {
    res = await fetch(`${record.url}/__sandbox/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return undefined;
  }
  const json = (await res.json()) as { message?: string };
  if (!res.ok) throw new Error(`sandbox server ${record.url}: ${json.message ?? res.status}`);
  return json;
}
