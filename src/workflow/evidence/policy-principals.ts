/**
 * Who the key policy lets use the key (aws-facts.md section 5, step 1, "scope of potential use").
 * Only Allow statements whose actions cover a cryptographic operation count; a principal that may
 * only DescribeKey or PutKeyPolicy cannot encrypt or decrypt anything.
 *
 * `arn:aws:iam::<acct>:root` (or a bare account ID) delegates to IAM: every IAM user and role of
 * that account whose IAM policy allows it may use the key, so it is reported as the whole account.
 */
import { CRYPTOGRAPHIC_EVENT_NAMES } from './cloudtrail-classify.js';
import type { PolicyPrincipal } from './types.js';

const CRYPTO_ACTIONS = [...CRYPTOGRAPHIC_EVENT_NAMES].map((n) => `kms:${n}`);

const asArray = <T>(v: T | T[] | undefined | null): T[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];

/** IAM action matching: case-insensitive, `*` any run of characters, `?` one character. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** One statement of a key policy, as written (IAM JSON policy reference); nothing is trusted to be there. */
interface PolicyStatement {
  Effect?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: unknown;
  Condition?: Record<string, unknown>;
}

/** The cryptographic actions one statement allows, as the statement writes them (or the ones NotAction leaves). */
function cryptoActionsOf(statement: PolicyStatement): string[] {
  if (statement.Action !== undefined) {
    return asArray<string>(statement.Action).filter(
      (p) => typeof p === 'string' && CRYPTO_ACTIONS.some((a) => actionMatches(p, a)),
    );
  }
  if (statement.NotAction !== undefined) {
    const excluded = asArray<string>(statement.NotAction);
    return CRYPTO_ACTIONS.filter((a) => !excluded.some((p) => actionMatches(p, a)));
  }
  return [];
}

function describePrincipal(type: string, value: string): Pick<PolicyPrincipal, 'kind' | 'note'> {
  if (value === '*') return { kind: 'anyone', note: 'any principal (conditions, if any, decide)' };
  if (type === 'Service') return { kind: 'service', note: 'an AWS service' };
  if (type === 'Federated') return { kind: 'federated' };
  if (type === 'CanonicalUser') return { kind: 'canonical-user' };
  const account = /^\d{12}$/.test(value) ? value : /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(value)?.[1];
  if (account) return { kind: 'account', note: `every IAM principal of account ${account} whose IAM policy allows it` };
  return { kind: 'iam' };
}

/**
 * The principals the policy JSON allows to make cryptographic calls, one entry per principal
 * (actions merged across statements). Throws on text that is not a JSON policy document.
 */
export function extractPolicyPrincipals(policyText: string): PolicyPrincipal[] {
  // the wire: the policy document as AWS returned it, read field by field below
  const doc = JSON.parse(policyText) as { Statement?: PolicyStatement | PolicyStatement[] } | null;
  const byPrincipal = new Map<string, PolicyPrincipal>();
  for (const st of asArray(doc?.Statement)) {
    if (!st || typeof st !== 'object' || st.Effect !== 'Allow') continue;
    const actions = cryptoActionsOf(st);
    if (actions.length === 0) continue;
    const conditional = st.Condition !== undefined && Object.keys(st.Condition).length > 0;
    const entries: Array<[string, string]> = [];
    if (st.Principal === '*') entries.push(['AWS', '*']);
    else if (st.Principal && typeof st.Principal === 'object') {
      for (const [type, values] of Object.entries(st.Principal))
        for (const v of asArray(values)) entries.push([type, String(v)]);
    }
    // NotPrincipal with Allow grants everyone except the listed principals (IAM docs advise against it).
    if (st.NotPrincipal !== undefined) entries.push(['AWS', '*']);
    for (const [type, value] of entries) {
      const id = `${type}:${value}`;
      const existing = byPrincipal.get(id);
      if (existing) {
        existing.actions = [...new Set([...existing.actions, ...actions])];
        existing.conditional = existing.conditional && conditional;
      } else {
        byPrincipal.set(id, { principal: value, ...describePrincipal(type, value), actions, conditional });
      }
    }
  }
  return [...byPrincipal.values()];
}
