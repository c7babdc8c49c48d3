/**
 * What the two sabotage files share (issue 18): slipping a bug under kscli through its AWS ports,
 * building the one-step schedules the seeded sabotages play, and the check that a sabotage is
 * caught by the invariant named for it (and that the same schedule passes with the real kscli).
 * The module-level bugs stay in each test file: `vi.mock` is hoisted per file.
 */
import { expect } from 'vitest';
import type { AwsPorts } from '../../../src/aws/ports.js';
import { DEMO_STORE_ID } from '../../../src/sandbox/model/index.js';
import { DEFAULT_WORLD, play, realPorts, type ScenarioSpec, type Step } from './schedule-engine.js';

type ServiceKey = Exclude<keyof AwsPorts, 'region'>;
type PortOf<K extends ServiceKey> = ReturnType<AwsPorts[K]>;

/** kscli's ports with some methods of one service's port replaced (the rest is the real port). */
export function withPort<K extends ServiceKey>(service: K, wrap: (real: PortOf<K>) => Partial<PortOf<K>>): AwsPorts {
  const make = (region?: string) => {
    const real = (realPorts[service] as (r?: string) => PortOf<K>)(region);
    const replaced = wrap(real) as Record<string, unknown>;
    return new Proxy(real as object, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && prop in replaced) return replaced[prop];
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as PortOf<K>;
  };
  return { ...realPorts, region: realPorts.region, [service]: make } as AwsPorts;
}

export type KscliStepSpec = Extract<Step, { kind: 'kscli' }>;

/** One kscli step of a seeded schedule: schedule-deletion --yes of the whole store unless `over` says otherwise. */
export function kscliStep(over: Partial<KscliStepSpec> = {}): KscliStepSpec {
  return {
    kind: 'kscli',
    cmd: 'schedule-deletion',
    keys: [],
    exclude: [],
    alias: false,
    shortWait: false,
    arnForm: false,
    enable: false,
    flags: ['--allow-in-use', '--no-alarm', '--allow-data-loss'],
    windowDays: 7,
    confirm: 'yes',
    dryRun: false,
    planOut: false,
    ...over,
  };
}

/** A seeded schedule of the given steps (the demo store, the default world unless named). */
export function schedule(steps: Step[], over: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return { store: DEMO_STORE_ID, disconnectMs: 2000, world: DEFAULT_WORLD, steps, ...over };
}

/**
 * The seeded schedule passes with the real kscli (the check can pass), and with the sabotage on
 * fails under the invariant named for it (the check can fail). `arm` switches a module-level bug on.
 */
export async function expectCaught(
  invariant: string,
  spec: ScenarioSpec,
  opts: { ports?: AwsPorts; arm?: () => void; disarm?: () => void },
): Promise<void> {
  await play(spec);
  opts.arm?.();
  try {
    const err = await play(spec, opts.ports).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message ?? 'the sabotage went unnoticed').toMatch(new RegExp(`^${invariant} `, 'm'));
  } finally {
    opts.disarm?.();
  }
}
