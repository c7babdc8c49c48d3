/**
 * S3Port on the AWS SDK (REST-XML; aws-facts-data-at-rest B). Only a bucket's DEFAULT encryption
 * is readable this way: objects written with another key (an explicit SSE-KMS header) are found
 * only through S3 Inventory, S3 Metadata or HeadObject per object, which kscli does not do (the
 * evidence says so). The client uses path-style addressing when an endpoint is given (the sandbox).
 *
 * GetBucketEncryption is called once per bucket: with a pacing bucket (the real ports) it goes
 * through FastBucketEncryption (fast-bucket-encryption.ts: the SDK's endpoint, signer and sockets
 * without its per-call middleware); without one (tests that mock the SDK), through `s3.send`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { BucketInfo, S3Port } from '../data-ports.js';
import { mapFailure } from '../errors.js';
import { AwsCallError } from '../../errors.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';
import { FastBucketEncryption, type BucketEncryption } from '../fast-bucket-encryption.js';
import type { Pacing } from '../rate-limiter.js';

const { GetBucketEncryptionCommand, GetBucketLocationCommand, paginateListBuckets } = sdkModule('@aws-sdk/client-s3');

/** ListBuckets' MaxBuckets: 1..10,000. */
const PAGE_SIZE = 1000;

export interface S3AdapterOptions {
  /** the Region's GetBucketEncryption pacing bucket: when given, GetBucketEncryption takes the fast path */
  getBucketEncryptionBucket?: () => Pacing | undefined;
  /** --debug sink, for the calls the fast path makes */
  debugLog?: (line: string) => void;
}

export class S3Adapter implements S3Port {
  private fast: FastBucketEncryption | undefined;

  constructor(
    private readonly client: () => Promise<S3Client>,
    private readonly where: AdapterSite,
    private readonly options: S3AdapterOptions = {},
  ) {}

  async listBuckets(onPage?: (page: BucketInfo[]) => void): Promise<BucketInfo[]> {
    return this.call('ListBuckets', async (s3) => {
      const out: BucketInfo[] = [];
      for await (const p of paginateListBuckets({ client: s3, pageSize: PAGE_SIZE }, {})) {
        const page: BucketInfo[] = [];
        for (const b of p.Buckets ?? []) {
          if (!b.Name) continue;
          page.push({
            name: b.Name,
            ...(b.CreationDate ? { creationDate: b.CreationDate } : {}),
            ...(b.BucketRegion ? { region: b.BucketRegion } : {}),
          });
        }
        out.push(...page);
        onPage?.(page);
      }
      return out;
    });
  }

  async bucketRegion(bucket: string): Promise<string> {
    return this.call('GetBucketLocation', async (s3) => {
      const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      // an empty LocationConstraint is us-east-1; "EU" is the legacy name of eu-west-1
      const c = out.LocationConstraint as string | undefined;
      return !c ? 'us-east-1' : c === 'EU' ? 'eu-west-1' : c;
    });
  }

  async bucketKmsKey(bucket: string): Promise<string | null> {
    try {
      return await this.call('GetBucketEncryption', async (s3) => {
        const out: BucketEncryption = this.options.getBucketEncryptionBucket
          ? await this.fastPath(s3).get(bucket)
          : await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
        for (const rule of out.ServerSideEncryptionConfiguration?.Rules ?? []) {
          const d = rule.ApplyServerSideEncryptionByDefault;
          // aws:kms and aws:kms:dsse name a KMS key; AES256 (SSE-S3) does not. A rule with aws:kms
          // and no key ID uses aws/s3, the AWS managed key: not a key of a custom store.
          if (d?.SSEAlgorithm?.startsWith('aws:kms') && d.KMSMasterKeyID) return d.KMSMasterKeyID;
        }
        return null;
      });
    } catch (err) {
      // buckets made before 2023 may have no default encryption at all
      if (err instanceof AwsCallError && err.code === 'ServerSideEncryptionConfigurationNotFoundError') return null;
      throw err;
    }
  }

  private fastPath(s3: S3Client): FastBucketEncryption {
    const bucket = this.options.getBucketEncryptionBucket?.();
    this.fast ??= new FastBucketEncryption(s3, {
      ...(bucket ? { bucket } : {}),
      ...(this.options.debugLog ? { debugLog: this.options.debugLog } : {}),
    });
    return this.fast;
  }

  private call<T>(operation: string, fn: (client: S3Client) => Promise<T>): Promise<T> {
    return mapFailure({ service: 's3', operation, ...this.where }, async () => fn(await this.client()));
  }
}
