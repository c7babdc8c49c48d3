/**
 * The account's time. Against AWS it is this machine's clock (kscli reads AWS's own dates, such as
 * DeletionDate and event times, where they matter). Against the sandbox it is the sandbox's clock,
 * which `kscli sandbox advance` moves: a rehearsal is only faithful if kscli lives on the same day
 * as the account it talks to. On this machine's clock, after `sandbox advance --days 10`, `usage`
 * searched CloudTrail up to today and missed the ten sandbox days since, and tables showed a call
 * made after the advance as "in 7 days".
 *
 * The sandbox is asked once, when the AWS configuration is resolved (before the first AWS call), over
 * its admin API (`GET /__sandbox/health`, its `clockOffsetMs`) on the endpoint the run talks to, and
 * only when that endpoint is on loopback (`--sandbox`, `sandbox serve`): a real AWS endpoint is never
 * sent anything but AWS calls. The sandbox's clock is this machine's plus that offset, so from then
 * on kscli's clock is exactly the sandbox's. No answer (another local endpoint, such as
 * LocalStack): this machine's clock. A command reads the clock after its first AWS call.
 */
import type { Clock } from '../workflow/clock.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/**
 * Generous: the sandbox answers the same process's AWS calls, so it is there; on a loaded machine
 * (the test suite on 2 cores) its answer took more than 2 s, and the fallback to this machine's clock
 * then judged a plan made 31 sandbox days ahead as "in the future" (src/commands/plan-clock.ts).
 */
const ASK_TIMEOUT_MS = 15_000;

/**
 * How far the sandbox's clock is from this machine's (ms), when `endpoint` is a loopback sandbox
 * that answers; otherwise undefined. Read from `GET /__sandbox/health`, which changes nothing (the
 * status would first play the callers that came due): on the same machine, the same wall clock plus
 * this offset is the sandbox's time to the millisecond, with no network delay in it. Asked with
 * node:http, which the SDK loads anyway: the global fetch would load undici, about 30 ms of CPU in
 * every kscli process that talks to a sandbox.
 */
export async function sandboxClockOffset(
  endpoint: string | undefined,
  debug: (line: string) => void = () => {},
): Promise<number | undefined> {
  if (!endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) return undefined;
  try {
    const { clockOffsetMs } = (await getJson(new URL('/__sandbox/health', url.origin))) as { clockOffsetMs?: unknown };
    if (typeof clockOffsetMs !== 'number' || !Number.isFinite(clockOffsetMs)) return undefined;
    debug(
      `the account's time is the sandbox's: this machine's clock ${clockOffsetMs >= 0 ? '+' : ''}${clockOffsetMs} ms`,
    );
    return clockOffsetMs;
  } catch (err) {
    debug(`the account's time is this machine's (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

/** GET `url`, its body as JSON; fails on a status other than 200, a body that is not JSON, or the timeout. */
async function getJson(url: URL): Promise<unknown> {
  const { get } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: ASK_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${url.pathname} answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url.pathname}: no answer in ${ASK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

/** A clock that reads `base` until `align` gives it the account's offset from it. */
export function alignableClock(base: Clock): { clock: Clock; align(offsetMs: number): void } {
  let offset = 0;
  return {
    clock: {
      now: () => new Date(base.now().getTime() + offset),
      sleep: (ms) => base.sleep(ms),
    },
    align: (offsetMs) => {
      offset = offsetMs;
    },
  };
}
