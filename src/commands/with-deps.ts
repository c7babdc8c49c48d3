/**
 * Runs a command's action with Deps: --expected-account is validated first (bad input before any
 * AWS call), Deps are built, the returned number becomes the exit code, an AWS answer no step
 * explains becomes one line naming the call, and what Deps started is closed.
 */
import type { App } from '../app.js';
import type { Deps } from '../deps.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import { validateAccountId } from '../input/validate.js';

export async function withDeps(app: App, action: (deps: Deps) => Promise<number>): Promise<void> {
  const expected = app.globals().expectedAccount;
  if (expected !== undefined) validateAccountId(expected); // bad input: before any AWS call
  // loaded here, not at start-up: --help, --version and bad input never pay for Deps (or the SDK)
  const { createDeps } = await import('../deps.js');
  const deps = await createDeps(app);
  try {
    app.setExitCode(await action(deps));
  } catch (err) {
    // an AWS answer no step explains: one line naming the call (the stack only with --debug)
    if (err instanceof AwsCallError) {
      throw new KscliError(
        ExitCode.Failure,
        `${err.operation} failed: ${err.code}: ${err.message}`,
        'run again with --debug for details',
        { cause: err },
      );
    }
    throw err;
  } finally {
    await deps.close();
  }
}
