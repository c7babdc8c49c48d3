/** kscli's version, from package.json (`--version`, and every saved plan records it). */
import { readFileSync } from 'node:fs';

/**
 * The build (scripts/build.mjs) writes package.json's version here: the bundle's chunks sit at
 * other depths of dist/ than this file does in src/, so a path relative to the module cannot find
 * package.json. Run from source (the unit tests), it is undefined and the file is read.
 */
declare const KSCLI_BUILD_VERSION: string | undefined;

let cached: string | undefined;

export function kscliVersion(): string {
  cached ??=
    typeof KSCLI_BUILD_VERSION === 'string'
      ? KSCLI_BUILD_VERSION
      : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
