/**
 * Turning a failed evidence read into an evidence gap instead of aborting the whole run: one key
 * whose policy cannot be read must not hide the evidence of the other 199 (aws-nuke's lesson in
 * prior-art.md: skip the unreadable one with a note). Bugs (anything that is not an AWS answer)
 * still propagate.
 */
import { AwsCallError, ExitCode, KscliError } from '../../errors.js';
import type { SourceStatus } from './types.js';

export interface SourceGap {
  status: Exclude<SourceStatus, 'ok'>;
  error: string;
}

export function sourceGapOf(err: unknown): SourceGap {
  // The ports map AccessDenied (and credential problems) to KscliError(Credentials), see ports.ts.
  if (err instanceof KscliError && err.exitCode === ExitCode.Credentials)
    return { status: 'access-denied', error: err.message };
  if (err instanceof KscliError) return { status: 'unavailable', error: err.message };
  if (err instanceof AwsCallError) {
    const denied = /AccessDenied|NotAuthorized|UnauthorizedOperation/i.test(err.code);
    return {
      status: denied ? 'access-denied' : 'unavailable',
      error: `${err.operation}: ${err.code}${err.message ? `: ${err.message}` : ''}`,
    };
  }
  throw err;
}

/** Runs one evidence read; an AWS failure becomes a gap the verdict can see. */
export async function readSource<T>(
  read: () => Promise<T>,
): Promise<{ ok: true; value: T } | ({ ok: false } & SourceGap)> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, ...sourceGapOf(err) };
  }
}
