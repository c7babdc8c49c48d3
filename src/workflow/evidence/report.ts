/**
 * The archived form of the evidence (issue 3, `--output json`): one entry per key with every piece
 * of evidence, the verdict and the reason, so an audit can keep what the decision rested on.
 *
 *   {"keyId", "arn", "verdict", "evidenceSource", "lastUsage", "cloudTrail", "policyPrincipals", "grants", "aliases", "reason"}
 *
 * evidenceSource (issue 10): api | logs-insights | logs-insights+api, the source the verdict rests
 * on; cloudTrail.segments then lists each searched stretch and its source (lookup-events or
 * logs-insights with the log group), and lastUsage.status is "not-asked" when the log group made
 * GetKeyLastUsage unnecessary.
 *
 * Each evidence section carries its own "status" (ok | access-denied | unavailable): "nothing
 * found" and "could not look" must never read the same in an archive. Dates are ISO strings.
 */
import type { KeyAssessment } from './assess.js';

export interface KeyUsageJson {
  keyId: string;
  arn: string;
  verdict: KeyAssessment['verdict'];
  evidenceSource: string;
  lastUsage: unknown;
  cloudTrail: unknown;
  policyPrincipals: unknown;
  grants: unknown;
  aliases: unknown;
  reason: string;
}

/** Dates become ISO strings, undefined fields vanish: the document is plain JSON data. */
const plain = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

export function keyUsageJson(a: KeyAssessment): KeyUsageJson {
  const e = a.evidence;
  return {
    keyId: e.keyId,
    arn: e.arn,
    verdict: a.verdict,
    evidenceSource: e.source ?? 'api',
    lastUsage: plain(e.lastUsage),
    cloudTrail: plain(e.cloudTrail),
    policyPrincipals: plain(e.policyPrincipals),
    grants: plain(e.grants),
    aliases: plain(e.aliases),
    reason: a.reason,
  };
}
