/**
 * `--output json`: ONE JSON document on stdout, with "schemaVersion": 1, camelCase keys and ISO
 * dates (Date.toJSON). Progress and prompts never go to stdout.
 */
import type { Writable } from './io.js';

export const SCHEMA_VERSION = 1;

export function writeJson(out: Writable, doc: Record<string, unknown>): void {
  const text = `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...doc }, null, 2)}\n`;
  // on a terminal, out fits prose to the width; a JSON document goes out byte for byte
  if (out.writeVerbatim) out.writeVerbatim(text);
  else out.write(text);
}
