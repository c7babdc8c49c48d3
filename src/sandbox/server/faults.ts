/**
 * Injected faults (issue 6 item 1): 5xx errors, throttling bursts, dropped connections, slow
 * answers and stale reads, each as a global value (`*`) or per operation (the operation's own
 * value wins). Randomness comes from a seeded generator so that `--fault-seed N` replays the same
 * faults for the same request sequence.
 */
import { SandboxError, type ServiceName } from '../contract.js';
import { throttlingError } from './quotas.js';
import { serviceEntry } from '../services/table.js';
import { seededRandom } from '../model/seeded-random.js';

/** `{ '*': 0.1, ScheduleKeyDeletion: 0.5 }`: the operation's value, else the global one. */
export type PerOperation = Record<string, number>;

export interface FaultConfig {
  /** added to every answer, in ms */
  latencyMs?: number;
  /** probability of a 5xx (KMSInternalException for KMS, InternalFailure elsewhere) */
  errorRate?: PerOperation;
  /** probability of a ThrottlingException regardless of the quota */
  throttleRate?: PerOperation;
  /** probability that the connection is destroyed BEFORE the call is handled (nothing happened) */
  dropRate?: PerOperation;
  /** probability that the call IS handled and then the connection is destroyed (the answer is lost) */
  dropAfterRate?: PerOperation;
  /** extra delay in ms, e.g. past the SDK's timeout */
  slowMs?: PerOperation;
  /** for this many ms after a mutation of a key or store, DescribeKey / DescribeCustomKeyStores show its previous state */
  staleMs?: PerOperation;
  /** seed for reproducible randomness */
  seed?: number;
}

/** What to do with one request, decided before it is handled. */
export interface FaultDecision {
  drop: boolean;
  dropAfter: boolean;
  error?: SandboxError;
  delayMs: number;
  staleMs: number;
}

export function valueFor(spec: PerOperation | undefined, operation: string): number {
  if (!spec) return 0;
  return spec[operation] ?? spec['*'] ?? 0;
}

/** The 5xx each service answers for an internal failure (aws-facts.md section 6: KMSInternalException is retried). */
export function internalError(service: ServiceName): SandboxError {
  const e = serviceEntry(service)?.internalError ?? {
    code: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  };
  return new SandboxError(e.code, `${e.message} (injected fault)`, 500);
}

export class FaultInjector {
  private config: FaultConfig;
  private random: () => number;

  constructor(config: FaultConfig = {}) {
    this.config = { ...config };
    this.random = seededRandom(config.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Replaces the whole configuration (and re-seeds when a seed is given). */
  configure(config: FaultConfig): void {
    this.config = { ...config };
    if (config.seed !== undefined) this.random = seededRandom(config.seed);
  }

  current(): FaultConfig {
    return { ...this.config };
  }

  /** A die is rolled only for the faults configured for this operation, so a seed replays exactly. */
  private roll(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return this.random() < rate;
  }

  decide(service: ServiceName, operation: string): FaultDecision {
    const c = this.config;
    const drop = this.roll(valueFor(c.dropRate, operation));
    const throttled = !drop && this.roll(valueFor(c.throttleRate, operation));
    const failed = !drop && !throttled && this.roll(valueFor(c.errorRate, operation));
    const dropAfter = !drop && !throttled && !failed && this.roll(valueFor(c.dropAfterRate, operation));
    return {
      drop,
      dropAfter,
      error: throttled ? throttlingError(service) : failed ? internalError(service) : undefined,
      delayMs: (c.latencyMs ?? 0) + valueFor(c.slowMs, operation),
      staleMs: valueFor(c.staleMs, operation),
    };
  }
}

/**
 * Parses the `R[:Op]` flags (`--error-rate 0.1 --error-rate 1:ScheduleKeyDeletion`) into a
 * PerOperation. `kind` names the flag in the error message.
 */
export function parsePerOperationFlags(
  flags: string[] | undefined,
  kind: string,
  opts: { max?: number } = {},
): PerOperation | undefined {
  if (!flags || flags.length === 0) return undefined;
  const out: PerOperation = {};
  for (const flag of flags) {
    const m = /^(\d+(?:\.\d+)?)(?::([A-Za-z0-9_]+))?$/.exec(flag.trim());
    const value = m ? Number(m[1]) : NaN;
    if (!m || (opts.max !== undefined && value > opts.max)) {
      const range = opts.max !== undefined ? `a number from 0 to ${opts.max}` : 'a number';
      throw new Error(
        `--${kind} ${flag}: expected ${range}, optionally followed by :Operation (e.g. 0.2:ScheduleKeyDeletion)`,
      );
    }
    out[m[2] ?? '*'] = value;
  }
  return out;
}
