/**
 * What an aggregator can see beyond its own account: the other (account, Region) cells of the
 * sandbox. The organization model (org/org-model.ts) binds the provider to a cell before it hands
 * that cell an AWS Config call; a lone account model sees only itself.
 */
import type { Account } from '../account.js';

export interface Estate {
  /** every stored cell of the sandbox, this one included */
  cells(): Iterable<Account>;
  /** the organization's account ids (undefined: no organization) */
  organizationAccounts(): string[] | undefined;
}

const estates = new WeakMap<Account, Estate>();

export function bindEstate(acc: Account, estate: Estate): void {
  estates.set(acc, estate);
}

export function estateOf(acc: Account): Estate {
  return estates.get(acc) ?? { cells: () => [acc], organizationAccounts: () => undefined };
}
