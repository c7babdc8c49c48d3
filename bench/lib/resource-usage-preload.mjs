/**
 * Preloaded into a measured kscli process (`node --import THIS bin/kscli.js ...`): at exit it writes
 * the process's own peak RSS and CPU time to $KSCLI_BENCH_USAGE_FILE as JSON. Works wherever Node
 * runs (no /usr/bin/time needed), and measures the kscli process alone.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.KSCLI_BENCH_USAGE_FILE;
/**
 * With --expose-gc and $KSCLI_BENCH_LIVE_HEAP_MS: every that many ms, collect garbage and note the
 * heap still in use. The largest such figure is the most the run kept alive at once (peak RSS also
 * counts garbage not yet collected), which is what must not grow with keys outside the store.
 */
const liveHeapEveryMs = Number(process.env.KSCLI_BENCH_LIVE_HEAP_MS ?? 0);
let peakLiveHeapKb;
if (liveHeapEveryMs > 0 && typeof globalThis.gc === 'function') {
  const sample = () => {
    globalThis.gc();
    peakLiveHeapKb = Math.max(peakLiveHeapKb ?? 0, Math.round(process.memoryUsage().heapUsed / 1024));
  };
  setInterval(sample, liveHeapEveryMs).unref();
}

if (file) {
  // keep the variables from leaking into processes kscli might start
  delete process.env.KSCLI_BENCH_USAGE_FILE;
  delete process.env.KSCLI_BENCH_LIVE_HEAP_MS;
  process.on('exit', () => {
    const u = process.resourceUsage();
    // maxRSS is in kilobytes, CPU times in microseconds
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKb: u.maxRSS,
        userCpuS: u.userCPUTime / 1e6,
        systemCpuS: u.systemCPUTime / 1e6,
        peakLiveHeapKb,
      }),
    );
  });
}
