/**
 * When the sandbox really deletes a key pending deletion. AWS: "up to 24 hours" after the
 * DeletionDate it announced (aws-facts 3.1 and 9; [DG] deleting-keys.md); until then DescribeKey
 * still shows PendingDeletion with that (past) DeletionDate, and the CloudTrail DeleteKey event is
 * written at the real moment. kscli's answer to this lag is to come back at DeletionDate + 24 h
 * (workflow/inventory.ts nextRunAfter); the lag lets the sandbox exercise that.
 *
 * The moment is a pure function of (deletionLagSeed, key id, DeletionDate): no state to persist,
 * the same answer before and after a restart, and a test's seed fixes it. How AWS spreads the lag
 * is not documented (UNCONFIRMED): a uniform draw over the window covers both ends.
 */
import type { Account } from './account.js';
import { seededRandom } from './seeded-random.js';
import type { KeyRecord } from './state.js';

/** FNV-1a over the string: a 32-bit seed for the draw. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** How long after `deletionDate` this key is deleted, in ms: in [0, maxLagMs). */
export function deletionLag(seed: number, keyId: string, deletionDate: number, maxLagMs: number): number {
  if (!(maxLagMs > 0)) return 0;
  const draw = seededRandom(hash32(`${seed}:${keyId}:${deletionDate}`))();
  return Math.floor(draw * maxLagMs);
}

/** The epoch ms at which the sandbox deletes this key (undefined: not pending deletion). */
export function deletionMoment(acc: Account, k: KeyRecord | undefined): number | undefined {
  if (!k || k.deletionDate === undefined) return undefined;
  const { deletionLagMs, deletionLagSeed } = acc.state.config;
  return k.deletionDate + deletionLag(deletionLagSeed ?? 0, k.id, k.deletionDate, deletionLagMs ?? 0);
}
