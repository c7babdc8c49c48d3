/**
 * The sandbox's HTTP server on loopback: decodes each AWS call, applies injected faults and
 * quotas, asks the model, records the call (model.recordCall -> CloudTrail; the request log), and
 * answers in the caller's wire protocol. Paths under `/__sandbox/` are the admin API (admin.ts);
 * no AWS API uses such a path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SandboxError, type CallContext } from '../contract.js';
import { SandboxRunError } from '../errors.js';
import { decodeCall, encodeError, encodeSuccess, type DecodedCall, type EncodedResponse } from './wire/wire.js';
import { FaultInjector, type FaultConfig } from './faults.js';
import { QuotaLimiter, type QuotaOptions } from './quotas.js';
import { StaleReads } from './stale-reads.js';
import { isMutating, RequestLog, safeParams, type RequestLogEntry } from './request-log.js';
import type { ModelHolder } from './model-holder.js';
import { ADMIN_PREFIX, handleAdmin } from './admin.js';

/** AWS's own limit for a KMS request is far below this; it only stops a runaway client. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface SandboxServerOptions {
  holder: ModelHolder;
  log: RequestLog;
  faults?: FaultConfig;
  quotas?: QuotaOptions;
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  faults: FaultInjector;
  quotas: QuotaLimiter;
  close(): Promise<void>;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxError('RequestEntityTooLarge', 'The request body is too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: EncodedResponse, head = false): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  // a HEAD answer (S3 HeadBucket) has headers only
  res.end(head ? undefined : body);
}

export class SandboxHttpHandler {
  readonly faults: FaultInjector;
  readonly quotas: QuotaLimiter;
  private readonly stale = new StaleReads();

  constructor(
    readonly holder: ModelHolder,
    readonly log: RequestLog,
    faults: FaultConfig = {},
    quotas: QuotaOptions = {},
  ) {
    this.faults = new FaultInjector(faults);
    this.quotas = new QuotaLimiter(quotas);
    holder.onReload = () => log.reopen();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // arrival: the request's headers are in (the body may still be on its way)
    const started = performance.now();
    const requestId = randomUUID();
    const time = new Date().toISOString();
    const url = req.url ?? '/';
    if (url.startsWith(ADMIN_PREFIX)) return handleAdmin(this, req, res, await readBody(req).catch(() => ''));

    let call: DecodedCall | undefined;
    const entry: RequestLogEntry = {
      time,
      requestId,
      outcome: 'ok',
      status: 200,
      durationMs: 0,
      mutating: false,
      handled: false,
    };
    const finish = (answer: EncodedResponse | 'drop', outcome: string): void => {
      entry.outcome = outcome;
      entry.status = answer === 'drop' ? 0 : answer.status;
      entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
      entry.answerTime = new Date().toISOString();
      // the socket closed under a delayed answer (simulated latency): nobody will read it
      if (res.destroyed || req.socket.destroyed) entry.clientGone = true;
      try {
        this.log.append(entry);
      } catch {
        /* a full disk must not take the sandbox down; the in-memory log still has it */
      }
      if (answer === 'drop') req.socket.destroy();
      else send(res, answer, req.method === 'HEAD');
    };

    try {
      const body = await readBody(req);
      call = decodeCall(req.headers, body, url, req.method ?? 'GET');
    } catch (e) {
      const err =
        e instanceof SandboxError ? e : new SandboxError('SerializationException', 'The request could not be read.');
      finish(encodeError(call, err, requestId), err.code);
      return;
    }

    const model = this.holderModel();
    if (model instanceof SandboxError) {
      finish(encodeError(call, model, requestId), model.code);
      return;
    }
    Object.assign(entry, {
      sandboxTime: model.now().toISOString(),
      service: call.service,
      operation: call.operation,
      region: call.region,
      protocol: call.protocol,
      params: safeParams(call.input) as Record<string, unknown>,
      mutating: isMutating(call.service, call.operation),
    });
    const ctx: CallContext = {
      service: call.service,
      operation: call.operation,
      region: call.region,
      accessKeyId: call.accessKeyId,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
      sourceIp: req.socket.remoteAddress,
      requestId,
    };
    // which account the call acts in (organization sandboxes map session keys to accounts): logged,
    // and part of the quota bucket, since every account and Region has its own quotas
    ctx.accountId = model.accountFor?.(ctx) ?? model.accountId;
    entry.account = ctx.accountId;

    const decision = this.faults.decide(call.service, call.operation);
    if (decision.drop) {
      entry.fault = 'drop';
      finish('drop', 'dropped');
      return;
    }
    let error: SandboxError | undefined = decision.error;
    if (error) entry.fault = error.status >= 500 ? 'error' : 'throttle';
    if (!error) {
      error = this.quotas.admit(call.service, call.operation, `${ctx.accountId}/${call.region}`);
      if (error) entry.fault = 'quota';
    }
    let output: unknown;
    if (!error) {
      const nowMs = Date.now();
      const commit = this.stale.beforeMutation(model, ctx, call.input, decision.staleMs, nowMs);
      entry.handled = true;
      try {
        const fresh = model.handle(ctx, call.input);
        output = this.stale.adjust(call.operation, call.input, fresh, nowMs);
        if (output !== fresh) entry.fault = 'stale';
        commit(true);
      } catch (e) {
        commit(false);
        const staleAnswer =
          e instanceof SandboxError ? this.stale.staleInsteadOfError(call.operation, call.input, nowMs) : undefined;
        if (staleAnswer !== undefined) {
          output = staleAnswer;
          entry.fault = 'stale';
        } else
          error =
            e instanceof SandboxError
              ? e
              : new SandboxError(
                  'InternalFailure',
                  `sandbox bug while handling ${call.operation}: ${(e as Error)?.message ?? String(e)}`,
                  500,
                );
      }
      try {
        model.recordCall(ctx, call.input, error ? { error } : { output });
      } catch {
        /* CloudTrail bookkeeping must not change the answer the client gets */
      }
      this.holder.afterChange();
    }

    const answer = error ? encodeError(call, error, requestId) : encodeSuccess(call, output, requestId);
    await delay(decision.delayMs);
    if (decision.dropAfter && !error) {
      entry.fault = 'drop-after';
      finish('drop', 'dropped-after-handling');
      return;
    }
    finish(answer, error ? error.code : 'ok');
  }

  /** The model, or the error to answer when the state file became unreadable. */
  private holderModel() {
    try {
      return this.holder.current();
    } catch (e) {
      return new SandboxError('InternalFailure', `sandbox state unreadable: ${(e as Error).message}`, 500);
    }
  }
}

/** Starts listening on 127.0.0.1 (port 0: a free port). */
export async function listen(opts: SandboxServerOptions): Promise<RunningServer> {
  const handler = new SandboxHttpHandler(opts.holder, opts.log, opts.faults, opts.quotas);
  const server = createServer((req, res) => {
    handler.handle(req, res).catch((e: unknown) => {
      // last resort: still JSON, never an HTML page or a hung socket
      if (!res.headersSent)
        send(
          res,
          encodeError(
            undefined,
            new SandboxError('InternalFailure', String((e as Error)?.message ?? e), 500),
            randomUUID(),
          ),
        );
    });
  });
  // Clients close idle keep-alive sockets themselves (undici after ~4 s, the SDK's agent sooner);
  // a server that closes first races with a request being sent on the socket and the client sees
  // "other side closed" / ECONNRESET. AWS endpoints keep idle connections for about a minute.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
        reject(
          new SandboxRunError(
            'bad-input',
            `cannot listen on 127.0.0.1:${opts.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`,
            'choose another --port, or --port 0 for a free one',
          ),
        );
      } else reject(e);
    });
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    faults: handler.faults,
    quotas: handler.quotas,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).finally(() => {
        opts.holder.flush();
        opts.log.close();
      })),
  };
}
