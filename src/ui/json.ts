/**
 * `--output json`: ONE JSON document on stdout, with "schemaVersion": 1, camelCase keys and ISO
 * dates (Date.toJSON). Progress and prompts never go to stdout.
 */
import type { Writable } from './io.js';

export const SCHEMA_VERSION = 1;

export function writeJson(out: Writable, doc: Record<string, unknown>): void {
  out.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...doc }, null, 2)}\n`);
}
