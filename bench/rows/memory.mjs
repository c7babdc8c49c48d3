/**
 * Peak RSS of `kscli find-keys` over 10,000 and 100,000 keys (200 in the store in both), measured
 * in the kscli process itself (resource-usage-preload.mjs: process.resourceUsage().maxRSS).
 * Memory is measured here, not speed: the sandbox's quotas and kscli's --max-rps are raised so the
 * 100,000-key scan takes seconds rather than a minute; concurrency is kscli's own, unchanged.
 * Keys outside the store must not be kept, so the memory the scan keeps alive must not grow with
 * them: measured as the peak live heap (see `measure`), with peak RSS beside it.
 */
import { stop } from '../lib/children.mjs';
import { kscli, serveSandbox } from '../lib/kscli.mjs';
import { median, round } from '../lib/stats.mjs';
import { row } from '../lib/row.mjs';

export const MEMORY_LIMIT_MB = 200;
/**
 * Allowed growth of the peak live heap from 10,000 to 100,000 keys. Keeping anything per key outside
 * the store, even 100 bytes (a key ID and a pointer), would add 9 MB for the 90,000 extra keys;
 * 2 MB is far below that and above the sampling noise (a few hundred KB).
 */
export const LIVE_GROWTH_LIMIT_MB = 2;

const RAISED_QUOTAS = ['--quota', 'DescribeKey=100000', '--quota', 'ListKeys=10000', '--quota', 'ListAliases=10000'];
const RAISED_MAX_RPS = [
  '--max-rps',
  'DescribeKey=100000',
  '--max-rps',
  'ListKeys=10000',
  '--max-rps',
  'ListAliases=10000',
];

/** Live-heap sampling period of the second run (a full collection each time: ~1% of the run). */
const LIVE_HEAP_EVERY_MS = 250;

/**
 * Per run, two kscli processes: a plain one for the peak RSS (what a user's machine sees), then one
 * with --expose-gc that collects garbage every LIVE_HEAP_EVERY_MS and notes the heap still in use:
 * the most the scan kept alive at once, free of the garbage-collector timing that makes peak RSS
 * noisy. Keys outside the store are kept only if that figure grows with them.
 */
async function measure(ctx, statePath, storeId, expectedKeys, label) {
  const { home, runs, say } = ctx;
  const sandbox = await serveSandbox(statePath, { home, latencyMs: 20, extraArgs: RAISED_QUOTAS });
  try {
    const samples = [];
    for (let i = 0; i < runs; i += 1) {
      const one = {};
      for (const mode of ['rss', 'live']) {
        const extra = mode === 'live' ? { nodeArgs: ['--expose-gc'], liveHeapEveryMs: LIVE_HEAP_EVERY_MS } : {};
        const r = await kscli(
          ['--endpoint-url', sandbox.url, ...RAISED_MAX_RPS, '--output', 'json', 'find-keys', storeId],
          { home, measure: true, timeoutMs: 400_000, ...extra },
        );
        if (r.code !== 0)
          throw new Error(`kscli find-keys (${label}) exited ${r.code}: ${r.stderr.trim().slice(-1500)}`);
        const found = JSON.parse(r.stdout).keys.length;
        if (found !== expectedKeys)
          throw new Error(`kscli find-keys (${label}) found ${found} keys, expected ${expectedKeys}`);
        if (mode === 'rss')
          Object.assign(one, {
            maxRssMb: round(r.usage.maxRssKb / 1024, 1),
            wallS: round(r.wallMs / 1000, 2),
            cpuS: round(r.usage.userCpuS + r.usage.systemCpuS, 2),
          });
        else one.peakLiveHeapMb = round((r.usage.peakLiveHeapKb ?? NaN) / 1024, 1);
      }
      samples.push(one);
      say(
        `  find-keys over ${label}: peak RSS ${one.maxRssMb.toFixed(1)} MB (${one.wallS.toFixed(1)} s); peak live heap ${one.peakLiveHeapMb?.toFixed(1)} MB`,
      );
    }
    return {
      rssMb: median(samples.map((s) => s.maxRssMb)),
      liveMb: median(samples.map((s) => s.peakLiveHeapMb)),
      samples,
    };
  } finally {
    await stop(sandbox.child);
  }
}

export async function memoryRows(ctx) {
  const { small, large, storeKeys } = ctx;
  const a = await measure(ctx, small.statePath, small.storeId, storeKeys, `${small.keys.toLocaleString('en-US')} keys`);
  const b = await measure(ctx, large.statePath, large.storeId, storeKeys, `${large.keys.toLocaleString('en-US')} keys`);
  const growth = b.rssMb - a.rssMb;
  const liveGrowth = b.liveMb - a.liveMb;
  const note = `peak RSS of the kscli process (maxRSS), median of ${ctx.runs} run(s); sandbox quotas and --max-rps raised (memory is measured here, not speed)`;
  return [
    row({
      id: 'memory-100k',
      what: `peak RSS, find-keys over ${large.keys.toLocaleString('en-US')} keys`,
      measured: b.rssMb,
      unit: 'MB',
      referenceKind: 'limit',
      reference: MEMORY_LIMIT_MB,
      ratio: b.rssMb / MEMORY_LIMIT_MB,
      target: `< ${MEMORY_LIMIT_MB} MB`,
      pass: b.rssMb < MEMORY_LIMIT_MB,
      note,
      details: { samples: b.samples },
    }),
    row({
      id: 'memory-growth',
      what: `live heap growth, ${small.keys.toLocaleString('en-US')} -> ${large.keys.toLocaleString('en-US')} keys (${storeKeys} in the store)`,
      measured: liveGrowth,
      unit: 'MB',
      referenceKind: 'limit',
      reference: LIVE_GROWTH_LIMIT_MB,
      ratio: b.liveMb / a.liveMb,
      target: `< ${LIVE_GROWTH_LIMIT_MB} MB more`,
      pass: liveGrowth < LIVE_GROWTH_LIMIT_MB,
      note:
        `peak live heap (garbage collected every ${LIVE_HEAP_EVERY_MS} ms in a second run with --expose-gc) ${a.liveMb.toFixed(1)} MB at ${small.keys.toLocaleString('en-US')} keys, ` +
        `${b.liveMb.toFixed(1)} MB at ${large.keys.toLocaleString('en-US')}; ratio = large / small. Peak RSS ${a.rssMb.toFixed(1)} -> ${b.rssMb.toFixed(1)} MB ` +
        `(${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB: garbage not yet collected in a longer run, not kept keys); ${note}`,
      details: {
        small: { rssMb: a.rssMb, liveHeapMb: a.liveMb, samples: a.samples },
        large: { rssMb: b.rssMb, liveHeapMb: b.liveMb, samples: b.samples },
        rssGrowthMb: round(growth, 1),
      },
    }),
  ];
}
