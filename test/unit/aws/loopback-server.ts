/** A loopback HTTP server that answers AWS JSON-protocol calls from a script, for client-level tests. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  /** text after the last '.' of X-Amz-Target */
  operation: string;
  target: string;
  headers: IncomingHttpHeaders;
  /** the parsed JSON body; {} for anything else */
  body: Record<string, unknown>;
}

export type Answer = { status?: number; body: Record<string, unknown> };

export interface Loopback {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startLoopback(answer: (req: SeenRequest) => Answer): Promise<Loopback> {
  const seen: SeenRequest[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const request: SeenRequest = {
        operation: target.slice(target.lastIndexOf('.') + 1),
        target,
        headers: req.headers,
        body: parseJson(raw),
      };
      seen.push(request);
      const { status = 200, body } = answer(request);
      n += 1;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${n}` });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON protocols send a JSON object; anything else (awsQuery forms) is kept out of `body`. */
function parseJson(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
