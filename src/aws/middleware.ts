/**
 * SDK middleware kscli adds to every client: pacing under the quota (with AIMD on throttles), and
 * the --debug call log. Written against the middleware shapes both SDK generations share (the
 * 3.332 CloudHSM v2 client and the current ones), so they are typed loosely here.
 */
import type { Pacing } from './rate-limiter.js';

/** Who hands out an operation's bucket: a RegionPacer, or the estate's per-call one. */
export interface Pacer {
  bucket(operation: string): Pacing | undefined;
}
import { isThrottlingError } from './errors.js';

interface HandlerArgs {
  input: unknown;
  request?: unknown;
}
interface HandlerOutput {
  output: { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number } };
  response?: unknown;
}
type Handler = (args: HandlerArgs) => Promise<HandlerOutput>;
interface HandlerContext {
  commandName?: string;
  clientName?: string;
}
type Middleware = (next: Handler, context: HandlerContext) => Handler;

/** The subset of a client's middleware stack used here. */
export interface MiddlewareStackLike {
  add(middleware: Middleware, options: { step: string; name: string; priority?: string }): void;
  addRelativeTo(
    middleware: Middleware,
    options: { relation: 'before' | 'after'; toMiddleware: string; name: string },
  ): void;
  remove(name: string): boolean;
}

/** "DescribeKeyCommand" -> "DescribeKey" */
export function operationOf(context: HandlerContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * How many times one attempt is re-sent when AWS throttles it, before the SDK's own retry (and
 * then the error mapping) sees the ThrottlingException. Each round first waits for a token of the
 * slowed-down bucket, so the rounds are the back-off. With 5 SDK attempts a call survives 40
 * throttles in a row, minutes of someone else saturating the quota.
 */
export const THROTTLE_ROUNDS_PER_ATTEMPT = 8;

/**
 * Waits for a token of the operation's bucket before each attempt. It sits inside the SDK's retry
 * loop (after retryMiddleware, before signing) so that every attempt, retries included, is paced
 * and each re-send is signed afresh. A throttled answer lowers the bucket's rate (AIMD) and is
 * re-sent here rather than surfaced: throttling is never the user's problem.
 */
export function pacingMiddleware(
  pacer: Pacer,
  rounds = THROTTLE_ROUNDS_PER_ATTEMPT,
  onThrottle?: (operation: string, newRate: number) => void,
): Middleware {
  return (next, context) => {
    const operation = operationOf(context);
    const bucket = pacer.bucket(operation);
    if (!bucket) return next;
    return async (args) => {
      for (let round = 1; ; round += 1) {
        await bucket.take();
        try {
          return await next(args);
        } catch (error) {
          if (!isThrottlingError(error) || round >= rounds) throw error;
          bucket.onThrottle();
          onThrottle?.(operation, bucket.currentRate());
        }
      }
    };
  };
}

/**
 * One line per call (after the SDK's retries): `service.Operation status durationMs requestId`.
 * Never headers, bodies, signatures or credentials; an error contributes only its name.
 */
export function debugLogMiddleware(
  service: string,
  log: (line: string) => void,
  now: () => number = () => performance.now(),
): Middleware {
  return (next, context) => async (args) => {
    const started = now();
    const op = `${service}.${operationOf(context)}`;
    try {
      const result = await next(args);
      const meta = result.output?.$metadata ?? {};
      log(line(op, String(meta.httpStatusCode ?? '-'), now() - started, meta.requestId, meta.attempts));
      return result;
    } catch (error) {
      const e = error as {
        name?: string;
        code?: string;
        $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
      };
      const status = e.$metadata?.httpStatusCode
        ? `${e.$metadata.httpStatusCode} ${e.name ?? ''}`.trim()
        : (e.code ?? e.name ?? 'error');
      log(line(op, status, now() - started, e.$metadata?.requestId, e.$metadata?.attempts));
      throw error;
    }
  };
}

function line(op: string, status: string, ms: number, requestId?: string, attempts?: number): string {
  const tries = attempts && attempts > 1 ? ` attempts=${attempts}` : '';
  return `${op} ${status} ${Math.round(ms)}ms ${requestId ?? '-'}${tries}`;
}

/** Adds kscli's middleware to one client. */
export function instrument(
  stack: MiddlewareStackLike,
  service: string,
  pacer: Pacer,
  debugLog?: (line: string) => void,
): void {
  // The SDK's own logger middleware builds a redacted copy of every input and output for its
  // logger even when that logger discards it (a measurable share of the CPU at 2000 calls/s).
  // kscli never gives the SDK a logger; --debug uses the line below instead.
  stack.remove('loggerMiddleware');
  const onThrottle = debugLog
    ? (op: string, rate: number) =>
        debugLog(`${service}.${op} throttled by AWS: re-sending, pace now ${rate.toFixed(1)}/s`)
    : undefined;
  stack.addRelativeTo(pacingMiddleware(pacer, THROTTLE_ROUNDS_PER_ATTEMPT, onThrottle), {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'kscliPacingMiddleware',
  });
  if (debugLog)
    stack.add(debugLogMiddleware(service, debugLog), {
      step: 'initialize',
      name: 'kscliDebugLogMiddleware',
      priority: 'high',
    });
}
