/**
 * The in-process sandbox (helpers/in-process-sandbox.ts) stands in for `kscli sandbox serve` in the
 * property test, so it must not change what kscli does. The same delete-store run is made twice on
 * the demo account: once through the real AWS ports over HTTP against `startSandbox()` on loopback
 * (no latency, no quotas), once through the in-process ports. The requests the sandbox saw
 * (service, operation, outcome, mutating, and the mutating calls' parameters) and kscli's result
 * (exit code, plan lines and outcomes) must be the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli.js';
import { createAwsPorts } from '../../src/aws/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { DEMO_STORE_ID } from '../../src/sandbox/model/index.js';
import { memoryIO } from '../../src/ui/io.js';
import type { EvidencePort } from '../../src/workflow/evidence-port.js';
import { InProcessSandbox, inProcessPorts } from './helpers/in-process-sandbox.js';
import { runKscli } from './helpers/kscli-in-process.js';
import { wireCalls } from './helpers/in-process-wire.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kscli-fidelity-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ARGV = [
  'delete-store',
  DEMO_STORE_ID,
  '--yes',
  '--output',
  'json',
  '--allow-in-use',
  '--allow-data-loss',
  '--window-days',
  '7',
];

interface Seen {
  service?: string;
  operation?: string;
  outcome: string;
  mutating: boolean;
  params?: Record<string, unknown>;
}

/** JSON with sorted keys: the query protocol (CloudWatch) decodes members in another order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Order-free summary: concurrent DescribeKey calls may arrive in any order. */
/**
 * GetQueryResults is left out: how often a Logs Insights query is polled before it completes
 * depends on time (real time over HTTP; only kscli's own waits in-process, where time is the
 * sandbox clock), not on what kscli asks for.
 */
function summary(requests: Seen[]): string[] {
  return requests
    .filter((r) => r.operation !== 'GetQueryResults')
    .map((r) => `${r.service}:${r.operation} -> ${r.outcome}${r.mutating ? ` ${canonical(r.params)}` : ''}`)
    .sort();
}

/** The plan as the operator sees it, without dates and random ids of keys outside the store. */
function planOf(json: any): string[] {
  return (json.plan as Array<{ target: string; action: string; status: string; result?: string }>).map(
    (p) => `${p.target} ${p.action} ${p.status} ${p.result ?? ''}`,
  );
}

describe('the in-process sandbox is faithful to the HTTP sandbox', () => {
  it(
    'the whole delete-store workflow makes the same requests, with the same outcomes, and prints the same plans',
    { timeout: 60_000 },
    async () => {
      // over HTTP: the real adapters and SDK clients against startSandbox on loopback
      const dir = tempDir();
      const sandbox = await startSandbox({ statePath: join(dir, 'state.json'), port: 0 });
      // Logs Insights queries complete at the first poll, as in the in-process sandbox
      await fetch(`${sandbox.url}/__sandbox/config`, {
        method: 'POST',
        body: JSON.stringify({ insightsScheduledMs: 0, insightsMinRunMs: 0, insightsScanBytesPerSec: 0 }),
      });
      const http: Array<{ code: number; json: any }> = [];
      let httpRequests: Seen[];
      try {
        const aws = createAwsPorts({
          region: 'us-east-1',
          endpointUrl: sandbox.url,
          credentials: { accessKeyId: 'ASIAFIDELITYTEST0001', secretAccessKey: 'fidelity-not-a-secret' },
        });
        const evidence = () => import('../../src/workflow/evidence/index.js') as Promise<EvidencePort>;
        const once = async () => {
          const io = memoryIO();
          const code = await run(ARGV, {
            io,
            env: { HOME: join(dir, 'home'), NO_COLOR: '1' },
            inject: { aws, evidence, home: join(dir, 'home') } as any,
          });
          http.push({ code, json: JSON.parse(io.stdout()) });
        };
        await once();
        const advanced = await fetch(`${sandbox.url}/__sandbox/advance`, {
          method: 'POST',
          body: JSON.stringify({ days: 31 }),
        });
        expect(advanced.ok).toBe(true);
        // the disconnect-and-delete phase: kscli polls DescribeCustomKeyStores in real time here
        await once();
        httpRequests = sandbox.requests();
      } finally {
        await sandbox.close();
      }

      // in process: the same two runs, the clock moved the same way; once through `send` (the
      // legacy schedules), once through the product's fast DescribeKey path (issue 18: the
      // every-path schedules; signed requests through the KMS client's requestHandler)
      for (const fast of [false, true]) {
        const sb = new InProcessSandbox();
        sb.fastDescribeKey = fast;
        const ports = inProcessPorts(() => sb);
        const wireBefore = wireCalls.describeKey;
        const home = tempDir();
        const inproc = [await runKscli(sb, ports, home, ARGV)];
        sb.advance(31 * 86_400_000);
        inproc.push(await runKscli(sb, ports, home, ARGV));

        expect(inproc.map((r) => r.code)).toEqual(http.map((r) => r.code));
        expect(inproc.map((r) => r.code)).toEqual([8, 0]);
        for (let i = 0; i < 2; i++) expect(planOf(inproc[i]!.json)).toEqual(planOf(http[i]!.json));
        // the in-process clock moves on kscli's waits: it polls DescribeCustomKeyStores as often as over HTTP
        expect(summary(sb.requests)).toEqual(summary(httpRequests));
        // the path taken: most DescribeKey calls over the wire handler with `fast`, none without
        const describes = sb.requests.filter((r) => r.operation === 'DescribeKey').length;
        if (fast) expect(wireCalls.describeKey - wireBefore).toBeGreaterThan(describes / 2);
        else expect(wireCalls.describeKey - wireBefore).toBe(0);
      }
    },
  );
});
