/**
 * The product's fast DescribeKey path (src/aws/fast-describe-key.ts) in the in-process harness
 * (issue 18). kscli's key scan learns the endpoint from the SDK's first DescribeKey, then signs and
 * sends every later one itself through the client's `requestHandler`, bypassing `send`. The
 * in-process ports route `send` to the sandbox, so without this the schedules never took that path.
 *
 * This is the KMS client's `requestHandler`: it takes the signed awsJson1_1 HttpRequest (from the
 * SDK's own pipeline for the learning call, from FastDescribeKey for the rest), hands the decoded
 * call to the same in-process steps as every other call (faults, stale reads, the model, the
 * request log), and answers in awsJson1_1 (epoch-second timestamps, `__type` errors), so that the
 * SDK's deserializer and FastDescribeKey's own parser read it as they read the HTTP sandbox.
 */
import { Readable } from 'node:stream';

/** How many DescribeKey calls went over the wire handler (the fast path, and its learning call). */
export const wireCalls = { describeKey: 0 };

type Call = (operation: string, input: Record<string, unknown>) => unknown;

interface WireRequest {
  headers: Record<string, string>;
  body?: unknown;
}

const header = (r: WireRequest, name: string): string | undefined => {
  const key = Object.keys(r.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : r.headers[key];
};

/**
 * awsJson1_1: timestamps as epoch seconds, no SDK metadata. The text JSON.stringify gives with a
 * replacer that drops `$metadata` and turns Dates into epoch seconds, without the replacer: a
 * replacer is called back for every member, which made this a visible cost (issue 17).
 */
function encode(output: unknown): string {
  return JSON.stringify(wireShape(output ?? {}));
}

function wireShape(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.getTime() / 1000;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Array.prototype) return (v as unknown[]).map(wireShape);
  // anything else (Uint8Array, ...) is left to JSON.stringify, as the replacer left it
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) if (k !== '$metadata') out[k] = wireShape((v as Record<string, unknown>)[k]);
  return out;
}

function reply(statusCode: number, body: string, requestId: string) {
  return {
    response: {
      statusCode,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: Readable.from([Buffer.from(body)]),
    },
  };
}

/** A `requestHandler` for the KMS client that answers from the in-process sandbox. */
export function kmsWireHandler(call: Call) {
  let n = 0;
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
    async handle(request: WireRequest) {
      const operation = (header(request, 'x-amz-target') ?? '').split('.').pop() ?? '';
      // decoded from its bytes: the SDK's JSON codec hands over a Uint8Array that warns when a
      // string method is called on it (Buffer.from calls valueOf) and will throw in a later version
      const text =
        typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
      const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (operation === 'DescribeKey') wireCalls.describeKey += 1;
      // yield once, as a socket would: concurrent scans interleave as they do over HTTP
      await Promise.resolve();
      try {
        const out = call(operation, input) as { $metadata?: { requestId?: string } };
        return reply(200, encode(out), out?.$metadata?.requestId ?? `wire-${++n}`);
      } catch (e) {
        const err = e as Error & { code?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
        // a dropped connection stays a network error (socket hang up), as over HTTP
        const status = err.$metadata?.httpStatusCode;
        if (status === undefined) throw e;
        return reply(
          status,
          JSON.stringify({ __type: err.name, message: err.message }),
          err.$metadata?.requestId ?? `wire-${++n}`,
        );
      }
    },
  };
}

/**
 * The learning call of FastDescribeKey (a DescribeKey carrying FastJsonCall's capture middleware):
 * it must go through the SDK's pipeline. Only DescribeKey has a wire handler here; the other fast
 * JSON operations (DescribeTable) stay on the routed path, where their learning call never learns.
 */
export function isFastPathLearningCall(command: unknown): boolean {
  const c = command as { constructor?: { name?: string }; middlewareStack?: { identify?: () => string[] } };
  if (c.constructor?.name !== 'DescribeKeyCommand') return false;
  return !!c.middlewareStack?.identify?.().some((n) => n.startsWith('kscliCaptureJsonTarget'));
}
