/**
 * Start-up: `kscli --version` and `kscli --help`, median wall time from spawn to exit (Node's own
 * start-up included), beside `aws --version` on the same machine, the three alternating. Then one
 * traced run of each (module-trace-preload.mjs) proves that neither loads the AWS SDK, and lists
 * the npm packages they do load.
 */
import { run } from '../lib/children.mjs';
import { childEnv, kscli, kscliModules, packageOf } from '../lib/kscli.mjs';
import { median, round } from '../lib/stats.mjs';
import { row } from '../lib/row.mjs';

const TARGET_MS = 150;

export async function startupRows(ctx) {
  const { home, runs, awsVersion, say } = ctx;
  const times = { version: [], help: [], aws: [] };
  // one warm-up each, not counted: the first run pays for a cold file cache
  await kscli(['--version'], { home });
  await kscli(['--help'], { home });
  for (let i = 0; i < runs; i += 1) {
    const v = await kscli(['--version'], { home });
    if (v.code !== 0) throw new Error(`kscli --version exited ${v.code}: ${v.stderr}`);
    times.version.push(v.wallMs);
    const h = await kscli(['--help'], { home });
    if (h.code !== 0) throw new Error(`kscli --help exited ${h.code}: ${h.stderr}`);
    times.help.push(h.wallMs);
    if (awsVersion)
      times.aws.push((await run('aws', ['--version'], { env: childEnv(home), cwd: home, timeoutMs: 30_000 })).wallMs);
  }
  const traces = {};
  for (const [name, args] of [
    ['version', ['--version']],
    ['help', ['--help']],
  ]) {
    const { modules } = await kscliModules(args, { home });
    const packages = {};
    for (const m of modules) {
      const p = packageOf(m);
      if (p) packages[p] = (packages[p] ?? 0) + 1;
    }
    traces[name] = {
      modules: modules.length,
      packages,
      awsSdk: Object.keys(packages).filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/')),
    };
    say(
      `  kscli --${name}: ${modules.length} modules loaded; packages: ${
        Object.entries(packages)
          .map(([p, n]) => `${p} (${n})`)
          .join(', ') || 'none'
      }`,
    );
  }
  const awsMs = awsVersion ? median(times.aws) : null;
  const out = [];
  for (const name of ['version', 'help']) {
    const ms = median(times[name]);
    const sdk = traces[name].awsSdk;
    out.push(
      row({
        id: `startup-${name}`,
        what: `start-up, kscli --${name} (AWS SDK not loaded)`,
        measured: ms,
        unit: 'ms',
        referenceKind: 'baseline',
        reference: awsMs,
        ratio: awsMs ? awsMs / ms : null,
        target: `< ${TARGET_MS} ms, no SDK`,
        pass: ms < TARGET_MS && sdk.length === 0,
        note:
          `median of ${runs} runs, spawn to exit; baseline = aws --version ${awsMs ? `(${awsVersion.split(' ')[0]}), median ${Math.round(awsMs)} ms, ratio = how many times faster` : 'SKIPPED: no aws on PATH'}; ` +
          (sdk.length
            ? `LOADS THE AWS SDK: ${sdk.join(', ')}`
            : `no @aws-sdk or @smithy module loaded (${traces[name].modules} modules in all; packages: ${Object.keys(traces[name].packages).join(', ') || 'none'})`),
        details: {
          runsMs: times[name].map((t) => round(t, 1)),
          awsVersionRunsMs: times.aws.map((t) => round(t, 1)),
          trace: traces[name],
        },
      }),
    );
  }
  return out;
}
