/**
 * An independent SigV4 check (AWS's documented algorithm, written from the spec, not taken from the
 * SDK), for tests of the paths that sign requests themselves: it accepts the SDK's own requests, so
 * accepting ours means ours are signed right. Query strings are canonicalised (sorted, encoded).
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .map((pair) => {
      const [k = '', v = ''] = pair.split('=');
      const enc = (s: string) =>
        encodeURIComponent(decodeURIComponent(s)).replace(
          /[!'()*]/g,
          (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
        );
      return [enc(k), enc(v)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function signatureValid(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: string,
  secret: string,
): boolean {
  const auth = String(headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return false;
  const [, date, region, service, signedHeaders, signature] = m;
  const [path = '/', query = ''] = url.split('?');
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const payloadHash = headers['x-amz-content-sha256']
    ? String(headers['x-amz-content-sha256'])
    : createHash('sha256').update(body).digest('hex');
  const canonical = [method, path, canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const amzDate = String(headers['x-amz-date']);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date!).digest();
  for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex') === signature;
}
