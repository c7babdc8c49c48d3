/**
 * A closed stdout or stderr is normal: `kscli stores | head -1`, a terminal window closed, an ssh
 * session dropped. Node then reports EPIPE (or EIO for a vanished terminal) as an 'error' event on
 * the stream, which, unhandled, ends the process with a stack trace in the middle of whatever it was
 * doing: possibly between an AWS call and its journal line.
 *
 * What kscli does instead (as git and gh do for read commands):
 *  - a read command, or a mutating one that has not started to change anything: ends at once,
 *    quietly; exit 0 for a read command, 130 ("interrupted") for a mutating one;
 *  - a mutating command while it applies: exactly what one Ctrl-C does (the call in flight
 *    finishes and is journalled, nothing after it starts, exit 130).
 * Later writes to the closed stream are dropped (their errors are swallowed), so nothing else can
 * fail on it. SIGHUP (the terminal went away) is handled the same way by main.ts; Node ignores
 * SIGPIPE itself, which is what turns a closed pipe into EPIPE here.
 */

/** Errors that mean "nobody reads this stream any more". */
const GONE = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ENOTCONN']);

export function isOutputGone(err: unknown): boolean {
  return GONE.has(String((err as NodeJS.ErrnoException | undefined)?.code));
}

/**
 * Calls `onGone` once, the first time one of the streams reports that its reader went away.
 * Other stream errors (a full disk behind a redirect) are not swallowed: they still surface.
 */
export function watchClosedOutput(streams: NodeJS.WritableStream[], onGone: () => void): void {
  let gone = false;
  for (const stream of streams) {
    stream.on('error', (err: unknown) => {
      if (!isOutputGone(err)) {
        // not ours to hide: rethrow outside the stream's event, as Node would have
        setImmediate(() => {
          throw err;
        });
        return;
      }
      if (gone) return;
      gone = true;
      onGone();
    });
  }
}
