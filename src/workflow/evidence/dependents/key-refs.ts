/**
 * Every way a resource can name a key (issue 19: "a key named by its alias or its ARN counts as
 * well as by its ID"): the key ID, the key ARN, each alias name (alias/x) and alias ARN. Config and
 * some services keep the value as it was set, and whether Config normalises it is UNCONFIRMED, so
 * every form is matched. A bare key ID or alias name names a key of the RESOURCE's own account and
 * Region: in another account (an aggregator's answer) only the ARNs can name a key of ours.
 */
import type { AliasInfo, KeyInfo } from '../../../aws/ports.js';

export interface KeyRefMatcher {
  /** the keyId a reference names, or undefined */
  match(ref: string, resourceAccount?: string, resourceRegion?: string): string | undefined;
  /** every string a query's IN list must hold to catch each form, per key */
  forms(keyId: string): string[];
}

export function keyRefMatcher(keys: KeyInfo[], aliases: AliasInfo[], region: string): KeyRefMatcher {
  const byArn = new Map<string, string>();
  const byLocal = new Map<string, string>();
  const forms = new Map<string, string[]>();
  const owner = new Map<string, string>();
  for (const k of keys) {
    byArn.set(k.arn, k.keyId);
    byLocal.set(k.keyId, k.keyId);
    forms.set(k.keyId, [k.keyId, k.arn]);
    owner.set(k.keyId, k.accountId);
  }
  for (const a of aliases) {
    if (!a.targetKeyId || !forms.has(a.targetKeyId)) continue;
    byArn.set(a.aliasArn, a.targetKeyId);
    byLocal.set(a.aliasName, a.targetKeyId);
    forms.get(a.targetKeyId)!.push(a.aliasName, a.aliasArn);
  }
  return {
    match(ref, resourceAccount, resourceRegion) {
      const viaArn = byArn.get(ref);
      if (viaArn) return viaArn;
      const local = byLocal.get(ref);
      if (!local) return undefined;
      // an ID or alias name resolves in the resource's own account and Region
      if (resourceAccount && resourceAccount !== owner.get(local)) return undefined;
      if (resourceRegion && resourceRegion !== region) return undefined;
      return local;
    },
    forms: (keyId) => forms.get(keyId) ?? [],
  };
}
