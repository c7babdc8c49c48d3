/**
 * --expected-account: refuse to do anything unless the credentials belong to this account (exit 3,
 * nothing done). The one check, used by the plan runner for every mutating command and for
 * `kscli apply` (whose admission runs after it, through RunPlanHooks.admit).
 */
import { ExitCode, KscliError } from '../../errors.js';

export function checkExpectedAccount(expected: string | undefined, actual: string): void {
  if (expected && expected !== actual) {
    throw new KscliError(
      ExitCode.Blocked,
      `the credentials are for account ${actual}, not the expected account ${expected}: nothing was done`,
      'check --profile / the environment, or fix --expected-account',
    );
  }
}
