/**
 * The time a saved plan is made and judged by (`--plan-out`'s createdAt, `apply --max-age`). Against
 * the sandbox it is the sandbox's clock, which `sandbox advance` moves: a rehearsal of "the plan
 * waited over the weekend" (`--max-age`) then works as it will against AWS, where the plan's age is
 * wall-clock time. Elsewhere: this machine's clock.
 *
 * The sandbox is asked over its admin API (`GET /__sandbox/status`, its `now`), on the endpoint the
 * run talks to, and only when that endpoint is on loopback (`--sandbox`, `sandbox serve`): a real
 * AWS endpoint is never sent anything but AWS calls. No answer: this machine's clock.
 */
import type { Deps } from '../deps.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/**
 * Generous: the sandbox answers the same process's AWS calls, so it is there; on a loaded machine
 * (the test suite on 2 cores) its answer took more than the 2 s this once was, and the fallback to
 * this machine's clock then judged a plan made 31 sandbox days ahead as "in the future".
 */
const ASK_TIMEOUT_MS = 15_000;

export async function planClockNow(deps: Deps): Promise<Date> {
  try {
    const endpoint = (await deps.awsConfig()).endpointUrl;
    if (!endpoint) return deps.clock.now();
    const url = new URL(endpoint);
    if (!LOOPBACK.has(url.hostname)) return deps.clock.now();
    const res = await fetch(new URL('/__sandbox/status', url.origin), { signal: AbortSignal.timeout(ASK_TIMEOUT_MS) });
    if (!res.ok) return deps.clock.now();
    const now = new Date(((await res.json()) as { now?: string }).now ?? '');
    if (Number.isNaN(now.getTime())) return deps.clock.now();
    deps.debug(`plan age by the sandbox clock: ${now.toISOString()}`);
    return now;
  } catch (err) {
    deps.debug(`plan age by this machine's clock (${(err as Error).message.split('\n')[0]})`);
    return deps.clock.now();
  }
}
