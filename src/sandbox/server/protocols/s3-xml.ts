/**
 * Amazon S3's REST-XML answers: each operation's root element, flattened lists (`<Rule>` repeated
 * inside ServerSideEncryptionConfiguration, `<Bucket>` inside `<Buckets>`), ISO-8601 dates, and
 * S3's error document `<Error><Code/><Message/><BucketName/><RequestId/><HostId/></Error>`
 * (no body at all for HEAD, where clients read only the status).
 */
import type { SandboxError } from '../../contract.js';
import type { EncodedResponse } from '../wire.js';
import { escapeXml } from '../xml-encode.js';

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

export function encodeS3Success(operation: string, output: unknown, requestId: string): EncodedResponse {
  const o = (output ?? {}) as Out;
  const xml = (body: string): EncodedResponse => ({
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

export function encodeS3Error(operation: string | undefined, err: SandboxError, requestId: string): EncodedResponse {
  if (operation === 'HeadBucket') return { status: err.status, headers: headers(requestId), body: '' };
  const extra = Object.entries(err.details ?? {})
    .map(([k, v]) => el(k, v))
    .join('');
  return {
    status: err.status,
    headers: headers(requestId, { 'content-type': 'application/xml' }),
    body: `${PROLOG}<Error>${el('Code', err.code)}${el('Message', err.message)}${extra}${el('RequestId', requestId)}${el('HostId', requestId)}</Error>`,
  };
}
