/**
 * How the data services turn the key a caller names (key ID, key ARN, alias name, alias ARN) into
 * what they store. Services that store an ARN (EC2, DynamoDB, AWS Backup) resolve aliases of this
 * account; a key of another account can only be named by ARN and is kept as given (the
 * cross-account case: a volume in one account under a key of another).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';

const ARN = /^arn:aws[a-z-]*:kms:([^:]+):(\d{12}):(key|alias)\/(.+)$/;

/** The key ARN the name stands for; undefined when this account has no such key or alias. */
export function resolveKeyArn(acc: Account, name: string): string | undefined {
  const m = ARN.exec(name);
  if (m) {
    const [, region, account, kind, rest] = m;
    if (account !== acc.accountId || region !== acc.region) return kind === 'key' ? name : undefined;
    if (kind === 'key') return acc.keyById.has(rest!) ? name : undefined;
    const alias = acc.aliasByName.get(`alias/${rest}`);
    return alias ? acc.keyArn(alias.keyId) : undefined;
  }
  if (name.startsWith('alias/')) {
    const alias = acc.aliasByName.get(name);
    return alias ? acc.keyArn(alias.keyId) : undefined;
  }
  return acc.keyById.has(name) ? acc.keyArn(name) : undefined;
}

/** resolveKeyArn, or the error each service answers for a key it cannot find. */
export function requireKeyArn(acc: Account, name: string, code = 'ValidationException'): string {
  const arn = resolveKeyArn(acc, name);
  if (!arn) throw new SandboxError(code, `The KMS key ${name} does not exist or is not accessible.`);
  return arn;
}
