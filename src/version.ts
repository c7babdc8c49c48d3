/** kscli's version, from package.json (`--version`, and every saved plan records it). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function kscliVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return cached;
}
