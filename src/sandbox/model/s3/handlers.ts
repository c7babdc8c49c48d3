/**
 * Amazon S3 buckets (REST-XML, path-style; server/protocols/s3-rest-xml.ts turns requests into
 * these inputs and outputs into S3's XML): ListBuckets, GetBucketEncryption, GetBucketLocation,
 * HeadBucket, CreateBucket, PutBucketEncryption, DeleteBucketEncryption, DeleteBucket.
 *
 * A bucket's default encryption names its key as it was set: a key ID, a key ARN or an alias
 * (aws-facts-data-at-rest A and B); S3 does not resolve it. The default says nothing certain about
 * the objects: an object can be under another key (only HeadObject per object, S3 Inventory or
 * S3 Metadata tell), which no sandbox call pretends to answer.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import type { BucketRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

function noSuchBucket(name: unknown): SandboxError {
  return new SandboxError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: String(name) });
}

function findBucket(acc: Account, name: unknown): BucketRecord {
  const b = dataView(acc).buckets.find((x) => x.name === name);
  if (!b) throw noSuchBucket(name);
  return b;
}

/** S3's canonical user id: 64 hex digits, fixed per account. */
function canonicalId(account: string): string {
  return Buffer.from(account.padEnd(32, '0')).toString('hex').slice(0, 64);
}

const listBuckets: Handler = (acc, input) => {
  const max = intInRange(
    input.MaxBuckets,
    'max-buckets',
    1,
    10_000,
    10_000,
    (m) => new SandboxError('InvalidArgument', `max-buckets: ${m}`),
  );
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  const region = typeof input.BucketRegion === 'string' ? input.BucketRegion : undefined;
  const all = dataView(acc)
    .buckets.filter((b) => b.name.startsWith(prefix) && (!region || b.region === region))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fp = fingerprint([prefix, region]);
  let start = 0;
  if (input.ContinuationToken !== undefined && input.ContinuationToken !== '') {
    const body = decodeToken(input.ContinuationToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidArgument', 'The continuation token provided is incorrect');
    start = body.p;
  }
  // without MaxBuckets AWS answers every bucket in one page (the pre-2024 behaviour clients rely on)
  const page = input.MaxBuckets === undefined ? all : all.slice(start, start + max);
  const end = start + page.length;
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.created), BucketRegion: b.region })),
    Owner: { DisplayName: 'sandbox', ID: canonicalId(acc.accountId) },
    ...(input.MaxBuckets !== undefined && end < all.length
      ? { ContinuationToken: encodeToken({ p: end, f: fp }) }
      : {}),
    ...(prefix ? { Prefix: prefix } : {}),
  };
};

const getBucketEncryption: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  if (!b.sse)
    throw new SandboxError(
      'ServerSideEncryptionConfigurationNotFoundError',
      'The server side encryption configuration was not found',
      404,
      { BucketName: b.name },
    );
  return {
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: b.sse.algorithm,
            ...(b.sse.kmsKeyId ? { KMSMasterKeyID: b.sse.kmsKeyId } : {}),
          },
          BucketKeyEnabled: b.sse.bucketKey ?? false,
        },
      ],
    },
  };
};

/** us-east-1 answers an empty LocationConstraint (S3's oldest quirk). */
const getBucketLocation: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  return { LocationConstraint: b.region === 'us-east-1' ? '' : b.region };
};

const headBucket: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  return { BucketRegion: b.region };
};

const createBucket: Handler = (acc, input, ctx) => {
  const name = input.Bucket;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
    throw new SandboxError('InvalidBucketName', 'The specified bucket is not valid.', 400, {
      BucketName: String(name),
    });
  if (dataView(acc).buckets.some((b) => b.name === name))
    throw new SandboxError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: name },
    );
  const region =
    typeof input.LocationConstraint === 'string' && input.LocationConstraint ? input.LocationConstraint : ctx.region;
  // since January 2023 every new bucket gets SSE-S3 as its default encryption
  dataOf(acc).buckets.push({ name, created: acc.nowMs(), region, sse: { algorithm: 'AES256' } });
  changed(acc);
  return { Location: `/${name}` };
};

const putBucketEncryption: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  const algorithm = input.SSEAlgorithm;
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse')
    throw new SandboxError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  const kmsKeyId = typeof input.KMSMasterKeyID === 'string' && input.KMSMasterKeyID ? input.KMSMasterKeyID : undefined;
  if (kmsKeyId && algorithm === 'AES256')
    throw new SandboxError('InvalidArgument', 'a KMS key cannot be given with SSEAlgorithm AES256', 400);
  b.sse = { algorithm, ...(kmsKeyId ? { kmsKeyId } : {}), bucketKey: input.BucketKeyEnabled === true };
  changed(acc);
  return {};
};

/** AWS puts SSE-S3 back: a bucket never goes without default encryption any more. */
const deleteBucketEncryption: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  b.sse = { algorithm: 'AES256' };
  changed(acc);
  return {};
};

const deleteBucket: Handler = (acc, input) => {
  const b = findBucket(acc, input.Bucket);
  const d = dataOf(acc);
  if (!d.buckets.includes(b))
    throw new SandboxError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
  d.buckets = d.buckets.filter((x) => x !== b);
  changed(acc);
  return {};
};

export const s3Handlers: Record<string, Handler> = {
  ListBuckets: listBuckets,
  GetBucketEncryption: getBucketEncryption,
  GetBucketLocation: getBucketLocation,
  HeadBucket: headBucket,
  CreateBucket: createBucket,
  PutBucketEncryption: putBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
  DeleteBucket: deleteBucket,
};
