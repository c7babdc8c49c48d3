/**
 * Amazon S3 on the wire (REST-XML, path-style: clients pointed at an IP endpoint such as
 * 127.0.0.1 address buckets in the path, the SDK v3 and the AWS CLI alike): the routes of the
 * bucket operations the sandbox serves, the inputs read from query strings and XML bodies, and
 * each operation's answer (root element, flattened `<Rule>` and `<Bucket>` lists, ISO-8601 dates;
 * HEAD answers headers only). Errors use the HTTP layer's restXml error document.
 */
import type { RestAnswer, RestCodec, RestRequest } from '../../services/entry.js';
import { escapeXml } from '../../server/wire/xml-encode.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

function el(tag: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = value instanceof Date ? value.toISOString() : escapeXml(String(value));
  return `<${tag}>${text}</${tag}>`;
}

function headers(requestId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, 'x-amzn-requestid': requestId, ...extra };
}

type Out = Record<string, unknown>;

function encode(operation: string, output: unknown, requestId: string): RestAnswer {
  const o = (output ?? {}) as Out;
  const xml = (body: string): RestAnswer => ({
    status: 200,
    headers: headers(requestId, { 'content-type': 'application/xml' }),
    body: PROLOG + body,
  });
  switch (operation) {
    case 'ListBuckets': {
      const owner = o.Owner as Out;
      const buckets = (o.Buckets as Out[])
        .map(
          (b) =>
            `<Bucket>${el('Name', b.Name)}${el('CreationDate', b.CreationDate)}${el('BucketRegion', b.BucketRegion)}</Bucket>`,
        )
        .join('');
      return xml(
        `<ListAllMyBucketsResult xmlns="${NS}"><Owner>${el('ID', owner.ID)}${el('DisplayName', owner.DisplayName)}</Owner>` +
          `<Buckets>${buckets}</Buckets>${el('ContinuationToken', o.ContinuationToken)}${el('Prefix', o.Prefix)}</ListAllMyBucketsResult>`,
      );
    }
    case 'GetBucketEncryption': {
      const rules = ((o.ServerSideEncryptionConfiguration as Out).Rules as Out[])
        .map((r) => {
          const d = r.ApplyServerSideEncryptionByDefault as Out;
          return `<Rule><ApplyServerSideEncryptionByDefault>${el('SSEAlgorithm', d.SSEAlgorithm)}${el('KMSMasterKeyID', d.KMSMasterKeyID)}</ApplyServerSideEncryptionByDefault>${el('BucketKeyEnabled', r.BucketKeyEnabled)}</Rule>`;
        })
        .join('');
      return xml(`<ServerSideEncryptionConfiguration xmlns="${NS}">${rules}</ServerSideEncryptionConfiguration>`);
    }
    case 'GetBucketLocation':
      return xml(
        o.LocationConstraint
          ? `<LocationConstraint xmlns="${NS}">${escapeXml(String(o.LocationConstraint))}</LocationConstraint>`
          : `<LocationConstraint xmlns="${NS}"/>`,
      );
    case 'HeadBucket':
      return {
        status: 200,
        headers: headers(requestId, { 'x-amz-bucket-region': String(o.BucketRegion ?? '') }),
        body: '',
      };
    case 'CreateBucket':
      return { status: 200, headers: headers(requestId, { location: String(o.Location ?? '') }), body: '' };
    case 'DeleteBucket':
    case 'DeleteBucketEncryption':
      return { status: 204, headers: headers(requestId), body: '' };
    default:
      return { status: 200, headers: headers(requestId), body: '' };
  }
}

function xmlText(body: string, tag: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${tag}>([\\s\\S]*?)</(?:\\w+:)?${tag}>`).exec(body);
  return m
    ? m[1]!
        .trim()
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&')
    : undefined;
}

function decode(operation: string, req: RestRequest): Record<string, unknown> {
  const input: Record<string, unknown> = { ...req.labels };
  switch (operation) {
    case 'ListBuckets':
      if (req.query['max-buckets'] !== undefined) input.MaxBuckets = Number(req.query['max-buckets']);
      if (req.query['continuation-token'] !== undefined) input.ContinuationToken = req.query['continuation-token'];
      if (req.query.prefix !== undefined) input.Prefix = req.query.prefix;
      if (req.query['bucket-region'] !== undefined) input.BucketRegion = req.query['bucket-region'];
      break;
    case 'PutBucketEncryption':
      input.SSEAlgorithm = xmlText(req.body, 'SSEAlgorithm');
      input.KMSMasterKeyID = xmlText(req.body, 'KMSMasterKeyID');
      input.BucketKeyEnabled = xmlText(req.body, 'BucketKeyEnabled') === 'true';
      break;
    case 'CreateBucket':
      input.LocationConstraint = xmlText(req.body, 'LocationConstraint');
      break;
  }
  return input;
}

export const s3Codec: RestCodec = {
  // every client signs; an unsigned GET / stays a bad request rather than a ListBuckets
  signedOnly: true,
  routes: [
    { method: 'GET', path: '/', operation: 'ListBuckets' },
    { method: 'GET', path: '/{Bucket}?encryption', operation: 'GetBucketEncryption' },
    { method: 'PUT', path: '/{Bucket}?encryption', operation: 'PutBucketEncryption' },
    { method: 'DELETE', path: '/{Bucket}?encryption', operation: 'DeleteBucketEncryption' },
    { method: 'GET', path: '/{Bucket}?location', operation: 'GetBucketLocation' },
    { method: 'HEAD', path: '/{Bucket}', operation: 'HeadBucket' },
    { method: 'PUT', path: '/{Bucket}', operation: 'CreateBucket' },
    { method: 'DELETE', path: '/{Bucket}', operation: 'DeleteBucket' },
  ],
  decode,
  encode,
};
