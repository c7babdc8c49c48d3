/**
 * The plan's digest: SHA-256 over the canonical JSON of the document WITHOUT its `digest` field,
 * written into the file as "sha256:<hex>" and printed when the file is written (so a change ticket
 * can quote it and `kscli show` / `kscli apply` can prove the file is the one that was reviewed).
 *
 * Because the digest covers the canonical form, re-indenting the file or reordering its keys does
 * not invalidate it; changing any value does.
 */
import { canonicalJson, sha256Hex } from './canonical.js';
import type { PlanFile, SubjectObservations, UnsealedPlanFile } from './document.js';

export const DIGEST_PREFIX = 'sha256:';

export function computeDigest(doc: UnsealedPlanFile | PlanFile): string {
  const { digest: _ignored, ...content } = doc as PlanFile;
  return `${DIGEST_PREFIX}${sha256Hex(canonicalJson(content))}`;
}

export function sealPlan<O extends SubjectObservations>(doc: UnsealedPlanFile<O>): PlanFile<O> {
  return { ...doc, digest: computeDigest(doc) };
}

/** The bytes written to disk. */
export function serializePlan(plan: PlanFile): string {
  return canonicalJson(plan);
}

/** "sha256:0123456789ab…" for one-line messages (the full digest is in the file and the Markdown). */
export function shortDigest(digest: string): string {
  return digest.length > DIGEST_PREFIX.length + 16 ? `${digest.slice(0, DIGEST_PREFIX.length + 16)}…` : digest;
}
