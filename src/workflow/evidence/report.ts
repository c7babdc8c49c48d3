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
import type { KeyUsage } from '../../schemas/usage.js';
import type { KeyAssessment } from './assess.js';

/** One key's entry: the published schema's type (src/schemas/usage.ts). */
export type KeyUsageJson = KeyUsage;

/** What JSON.stringify makes of a value: Dates become ISO strings (the compiler checks the schema). */
type Jsonified<T> = T extends Date
  ? string
  : T extends Array<infer U>
    ? Array<Jsonified<U>>
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** Dates become ISO strings, undefined fields vanish: the document is plain JSON data. */
const plain = <T>(v: T): Jsonified<T> => JSON.parse(JSON.stringify(v)) as Jsonified<T>;

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
    ...(a.dependents ? { dataAtRest: plain(a.dependents) } : {}),
    reason: a.reason,
  };
}
