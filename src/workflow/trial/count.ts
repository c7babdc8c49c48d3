/**
 * How many keys of a store are in a trial, for `stores` and `inventory` (issue 20: "count keys in a
 * trial"). A key is in a trial when it carries kscli's trial tags (tags.ts) and is Disabled, or
 * Unavailable while its store is down (still disabled underneath). A tagged PendingDeletion key is
 * past its trial (it was scheduled), and a tagged Enabled key was rolled back or never disabled.
 *
 * Cost: one ListResourceTags per Disabled or Unavailable key only (Enabled keys cannot be in a
 * trial), at 2,000/s and free. A key whose tags cannot be read leaves the count unknown (null, with
 * the error named), never a smaller number.
 */
import type { KeyInfo, KmsPort } from '../../aws/ports.js';
import { sourceGapOf } from '../evidence/source-errors.js';
import { parseTrialTags } from './tags.js';

export const countsAsTrial = (k: KeyInfo): boolean => k.state === 'Disabled' || k.state === 'Unavailable';

export interface TrialCount {
  /** keys in a trial; null when the tags of some candidate could not be read */
  keysInTrial: number | null;
  /** why the count is unknown: the first key whose tags could not be read */
  error?: string;
}

/** The count for each store among `keys` (every store id present in `keys` gets an entry). */
export async function countKeysInTrial(
  kms: Pick<KmsPort, 'listResourceTags'>,
  keys: KeyInfo[],
): Promise<Map<string, TrialCount>> {
  const out = new Map<string, TrialCount>();
  for (const k of keys)
    if (k.customKeyStoreId && !out.has(k.customKeyStoreId)) out.set(k.customKeyStoreId, { keysInTrial: 0 });
  await Promise.all(
    keys.filter(countsAsTrial).map(async (k) => {
      const c = out.get(k.customKeyStoreId ?? '');
      if (!c) return;
      try {
        const inTrial = parseTrialTags(await kms.listResourceTags(k.keyId)) !== undefined;
        if (inTrial && c.keysInTrial !== null) c.keysInTrial += 1;
      } catch (err) {
        c.keysInTrial = null;
        c.error ??= `ListResourceTags on ${k.keyId}: ${sourceGapOf(err).error}`;
      }
    }),
  );
  return out;
}

/** ", 2 in a trial" / ", in a trial: unknown (...)" / "" for the KEYS column of a table. */
export function trialCountText(c: TrialCount | undefined): string {
  if (!c) return '';
  if (c.keysInTrial === null) return `; in a trial: unknown (${c.error ?? 'tags not read'})`;
  return c.keysInTrial > 0 ? `; ${c.keysInTrial} in a trial` : '';
}
