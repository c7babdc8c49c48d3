/**
 * A loopback AWS endpoint for the fast-path tests (fast-describe-key, fast-json-call,
 * fast-bucket-encryption): it records every request (whether it came through the SDK's pipeline,
 * whether its SigV4 signature checks out with the independent checker) and answers with what the
 * test's `reply` says. One server per test, closed after it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { TEST_CREDENTIALS } from './sdk-test-env.js';
import { signatureValid } from './sigv4-check.js';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** the request carried the SDK's invocation header: it went through client.send */
  viaSdk: boolean;
  signatureValid: boolean;
}
export type Reply = { status?: number; body: string; headers?: Record<string, string> };
export type Serve = (
  reply: (n: number, seen: Seen) => Reply,
  secret?: string,
) => Promise<{ url: string; seen: Seen[] }>;

/** `serve` for this test file: replies typed `contentType`, the request ID in `requestIdHeader`. */
export function useLoopbackAws(contentType: string, requestIdHeader: string): Serve {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    server = undefined;
  });
  return async (reply, secret = TEST_CREDENTIALS.secretAccessKey) => {
    const seen: Seen[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const s: Seen = {
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body,
          viaSdk: 'amz-sdk-invocation-id' in req.headers,
          signatureValid: signatureValid(req.method!, req.url!, req.headers, body, secret),
        };
        seen.push(s);
        const r = reply(seen.length, s);
        res.writeHead(r.status ?? 200, {
          'content-type': contentType,
          [requestIdHeader]: `req-${seen.length}`,
          ...r.headers,
        });
        res.end(r.body);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}
