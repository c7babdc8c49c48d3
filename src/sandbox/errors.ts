/**
 * The sandbox's own error for its operator (a corrupt or locked state file, a port in use). The
 * sandbox stands alone: it imports nothing from kscli's CLI modules, so it cannot throw kscli's
 * KscliError; the CLI translates this one at its edge (`fromSandboxError` in src/errors.ts).
 * Not to be confused with SandboxError (contract.ts), the AWS error a sandboxed API call answers.
 */
export type SandboxRunErrorKind =
  /** the operator can fix it by changing what they gave (a flag, a file): kscli's exit 2 */
  | 'bad-input'
  /** the sandbox could not do it now (e.g. another process holds the state): kscli's exit 1 */
  | 'failure';

export class SandboxRunError extends Error {
  constructor(
    readonly kind: SandboxRunErrorKind,
    message: string,
    /** what to run or change next */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SandboxRunError';
  }
}
