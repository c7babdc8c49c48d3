/**
 * The admin API, for tests and the serve command: paths under `/__sandbox/`, which no AWS API
 * uses, answered in plain JSON and never written to the request log or CloudTrail.
 *
 *   GET  /__sandbox/health            {"ok":true,"statePath":...,"now":...,"clockOffsetMs":...,"accountId":...}
 *   GET  /__sandbox/requests          {"requests":[RequestLogEntry...]}   DELETE clears the in-memory log
 *   GET  /__sandbox/faults            the FaultConfig in force;  POST replaces it (JSON FaultConfig)
 *   GET  /__sandbox/quotas            {"enabled":..,"overrides":{..}};  POST replaces it
 *   POST /__sandbox/advance           {"days":N} | {"hours":N} | {"ms":N}  -> the AdvanceReport
 *   GET  /__sandbox/status            the model's SandboxStatus
 *   GET  /__sandbox/config            the model's settings (SandboxConfig: timing, caps);
 *   POST /__sandbox/config            changes some, e.g. {"insightsScheduledMs": 0}; saved with the state
 *   POST /__sandbox/reset             {"scenario":"empty"|"demo"|"large"|"org", "accountId"?: "123456789012",
 *                                     and the scenario's sizes as `kscli sandbox reset` takes them}
 *                                     -> the new SandboxStatus; the request log starts again
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxHttpHandler } from './server.js';
import type { FaultConfig } from './faults.js';
import { rmSync } from 'node:fs';
import type { ScenarioName, ScenarioParams } from './model-holder.js';
import { requestLogPath } from './request-log.js';

export const ADMIN_PREFIX = '/__sandbox/';

const SCENARIOS: readonly ScenarioName[] = ['demo', 'large', 'org', 'empty'];
const SIZE_PARAMS = [
  'accounts',
  'regions',
  'stores',
  'keys',
  'storeKeys',
  'usedShare',
  'noiseEvents',
  'seed',
  'resources',
] as const;

/** The body of POST /__sandbox/reset, checked: refused (400) with a message naming the problem. */
export function resetRequest(body: Record<string, unknown>): { name: ScenarioName; params: ScenarioParams } {
  const name = (body.scenario ?? 'demo') as ScenarioName;
  if (!SCENARIOS.includes(name)) throw new Error(`scenario must be one of ${SCENARIOS.join(', ')}`);
  const params: ScenarioParams = {};
  if (body.accountId !== undefined) {
    if (name === 'org')
      throw new Error(
        'accountId does not apply to the org scenario: its accounts are generated (management account 111122223333); use demo, large or empty',
      );
    if (typeof body.accountId !== 'string' || !/^\d{12}$/.test(body.accountId))
      throw new Error('accountId must be a string of 12 digits, e.g. "123456789012"');
    params.accountId = body.accountId;
  }
  for (const k of SIZE_PARAMS) {
    const v = body[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${k} must be a number >= 0`);
    params[k] = v;
  }
  const unknown = Object.keys(body).filter(
    (k) => k !== 'scenario' && k !== 'accountId' && !(SIZE_PARAMS as readonly string[]).includes(k),
  );
  if (unknown.length > 0) throw new Error(`unknown reset settings ${unknown.join(', ')}`);
  return { name, params };
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function parse(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  const v = JSON.parse(body) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
  return v as Record<string, unknown>;
}

/** Milliseconds from `{days}`, `{hours}` or `{ms}`; throws on anything else. */
export function advanceMs(body: Record<string, unknown>): number {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
  const ms =
    n(body.ms) ??
    (n(body.hours) !== undefined ? n(body.hours)! * 3_600_000 : undefined) ??
    (n(body.days) !== undefined ? n(body.days)! * 86_400_000 : undefined);
  if (ms === undefined) throw new Error('give {"days": N}, {"hours": N} or {"ms": N} with N >= 0');
  return ms;
}

export async function handleAdmin(
  handler: SandboxHttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0]!.slice(ADMIN_PREFIX.length);
  const route = `${req.method} ${path}`;
  try {
    switch (route) {
      case 'GET health': {
        const model = handler.holder.current();
        return reply(res, 200, {
          ok: true,
          statePath: handler.holder.statePath,
          now: model.now().toISOString(),
          // sandbox time minus this machine's: what `advance` moved (kscli's account clock reads it)
          clockOffsetMs: model.clockOffsetMs(),
          accountId: model.accountId,
        });
      }
      case 'GET requests':
        return reply(res, 200, { requests: handler.log.list() });
      case 'DELETE requests':
        handler.log.clear();
        return reply(res, 200, { ok: true });
      case 'GET faults':
        return reply(res, 200, handler.faults.current());
      case 'POST faults':
        handler.faults.configure(parse(body) as FaultConfig);
        return reply(res, 200, handler.faults.current());
      case 'GET quotas':
        return reply(res, 200, handler.quotas.describe());
      case 'POST quotas': {
        const b = parse(body);
        handler.quotas.configure({
          enabled: typeof b.enabled === 'boolean' ? b.enabled : undefined,
          overrides: (b.overrides as Record<string, number> | undefined) ?? undefined,
        });
        return reply(res, 200, handler.quotas.describe());
      }
      case 'POST advance': {
        const model = handler.holder.current();
        const report = model.advance(advanceMs(parse(body)));
        handler.holder.afterChange();
        return reply(res, 200, report);
      }
      case 'GET config':
      case 'POST config': {
        const model = handler.holder.current();
        if (!model.configure)
          return reply(res, 404, { __type: 'UnknownOperationException', message: 'this model has no settings' });
        const config = model.configure(route === 'POST config' ? parse(body) : {});
        handler.holder.afterChange();
        return reply(res, 200, config);
      }
      case 'POST reset': {
        const { name, params } = resetRequest(parse(body));
        const model = handler.holder.reset(name, params);
        handler.log.clear();
        if (handler.holder.statePath) rmSync(requestLogPath(handler.holder.statePath), { force: true });
        handler.log.reopen();
        return reply(res, 200, model.status());
      }
      case 'GET status':
        return reply(res, 200, handler.holder.current().status());
      case 'GET state':
        // the whole account as the state file holds it (tests compare it before and after a run)
        return reply(res, 200, handler.holder.current().toJSON());
      default:
        return reply(res, 404, { __type: 'UnknownOperationException', message: `no admin route ${route}` });
    }
  } catch (e) {
    return reply(res, 400, { __type: 'ValidationException', message: (e as Error).message });
  }
}
