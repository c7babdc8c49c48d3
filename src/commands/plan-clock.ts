/**
 * The time a saved plan is made and judged by (`--plan-out`'s createdAt, `apply --max-age`): the
 * account's time (src/aws/account-clock.ts). Against the sandbox it is the sandbox's clock, which
 * `sandbox advance` moves: a rehearsal of "the plan waited over the weekend" (`--max-age`) then
 * works as it will against AWS, where the plan's age is wall-clock time. The AWS configuration is
 * resolved first, which is when the clock learns the account's time.
 */
import type { Deps } from '../deps.js';

export async function planClockNow(deps: Deps): Promise<Date> {
  try {
    await deps.awsConfig();
  } catch {
    // ports injected (tests): their clock is the account's
  }
  return deps.clock.now();
}
