/**
 * Errors carry their exit code; only src/main.ts turns them into a process exit.
 * Exit codes are documented in the README and in `kscli --help` (architecture.md section 5).
 */
import { SandboxRunError } from './sandbox/errors.js';
export const ExitCode = {
  /** done, or nothing to do */
  Ok: 0,
  /** failure: AWS error, network, bug */
  Failure: 1,
  /** bad input: unknown flag, malformed ID, window outside 7-30, missing --yes without a terminal */
  BadInput: 2,
  /** blocked by a precondition; nothing was changed by the blocked step */
  Blocked: 3,
  /** AWS credentials or permission */
  Credentials: 4,
  /** cancelled at a prompt */
  Cancelled: 5,
  /** complete with gaps: an estate command read what it could; some accounts or Regions could not be read (listed) */
  Incomplete: 6,
  /** pending: AWS must finish work that was started (keys in their waiting period) */
  Pending: 8,
  /** interrupted by SIGINT (the shell convention 128 + 2) */
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error kscli expects and explains. `message` is one line naming the problem; `hint` says
 * what to run or change next. Neither may contain credentials.
 */
export class KscliError extends Error {
  constructor(
    readonly exitCode: ExitCodeValue,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KscliError';
  }
}

/** THE way to raise bad input (exit 2): a one-line message naming the problem, and the fix. */
/** Aborting at the confirmation prompt is never success (exit 5). */
export const cancelledAtPrompt = () =>
  new KscliError(ExitCode.Cancelled, 'cancelled at the prompt: nothing was changed');

export const badInput = (message: string, hint?: string) => new KscliError(ExitCode.BadInput, message, hint);

/**
 * The sandbox's own errors as kscli errors: the edge where the stand-alone sandbox meets the CLI
 * (cli.ts reportError, for `kscli sandbox ...` and `--sandbox` alike). Anything else passes through.
 */
export function fromSandboxError(err: unknown): unknown {
  if (!(err instanceof SandboxRunError)) return err;
  return new KscliError(err.kind === 'bad-input' ? ExitCode.BadInput : ExitCode.Failure, err.message, err.hint);
}

/**
 * An AWS call that failed with an error the adapters do not translate into a KscliError by
 * themselves (e.g. KMSInvalidStateException on ScheduleKeyDeletion): the workflow decides what it
 * means. `code` is the AWS error name (`e.name` in the SDK).
 */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
    readonly requestId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AwsCallError';
  }
}
