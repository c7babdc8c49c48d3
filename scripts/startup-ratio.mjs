// node scripts/startup-ratio.mjs [runs]: `kscli --version` and `kscli --help` against `node -e 0`,
// alternated run by run (so machine load hits all three alike), medians and ratios printed. Issue 17
// asks --version within 1.4x of bare Node. Run `npm run build` first; hyperfine is not needed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kscli.js');
const RUNS = Number(process.argv[2] ?? 30);
const CASES = { 'node -e 0': ['-e', '0'], 'kscli --version': [BIN, '--version'], 'kscli --help': [BIN, '--help'] };

const ms = (args) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const times = Object.fromEntries(Object.keys(CASES).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(CASES)) times[name].push(ms(args));
const base = median(times['node -e 0']);
for (const [name, xs] of Object.entries(times))
  console.log(`${name.padEnd(16)} median ${median(xs).toFixed(1)} ms  ${(median(xs) / base).toFixed(2)}x`);
