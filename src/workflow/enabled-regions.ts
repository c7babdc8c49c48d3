/**
 * The Regions the account has enabled (account:ListRegions), for searches that must cover every
 * Region a resource could be in: cross-Region backup copies (backups.ts). DISABLING Regions still
 * hold their resources, so they count.
 */
import type { AwsPorts } from '../aws/ports.js';

const ENABLED = ['ENABLED', 'ENABLED_BY_DEFAULT', 'DISABLING'];

export function enabledRegions(aws: AwsPorts): () => Promise<string[]> {
  return async () => (await aws.account().listRegions()).filter((r) => ENABLED.includes(r.status)).map((r) => r.name);
}
