/**
 * DescribeKey for the key scan (find-keys, and every command that lists a store's keys), sent
 * without the SDK's per-call middleware stack.
 *
 * Why: no API filters keys by store, so a scan describes every key of the Region, and the quota
 * allows 2,000 DescribeKey per second (aws-facts.md section 6). Through `KMSClient.send`, one
 * DescribeKey costs about 0.55 ms of CPU on our 2-core machines (schema-based serde, a dozen
 * middlewares, several of which copy the whole client config per call): one core then tops out
 * under the quota, and 10,000 keys took 8-9 s instead of the 5 s floor (bench/RESULTS.md,
 * `node bench/profile.mjs`). This path sends the same awsJson1_1 request at about 0.2 ms per call.
 *
 * Everything that matters is still the SDK's, taken from the client itself:
 * - the endpoint, host and signing scope: captured from the SDK's own first DescribeKey request of
 *   the scan (so --endpoint-url, AWS_ENDPOINT_URL*, FIPS and partition rules apply unchanged);
 * - the credentials provider (refreshing), the SigV4 signer (@smithy/signature-v4) and the clock
 *   skew correction (`systemClockOffset`);
 * - the HTTP handler: the same keep-alive sockets, connection and request timeouts.
 * What it does itself mirrors the SDK: errors get the awsJson1_1 shape (`name` from the error type,
 * `$fault`, `$metadata`; wire-protocols.md "Errors"), throttling goes through the operation's pacing
 * bucket with the same rounds as pacingMiddleware, and 5xx and network errors are retried like the
 * SDK's standard mode (exponential back-off with full jitter, `maxAttempts` attempts), so callers
 * see exactly what `kms.send` would have thrown.
 */
import type { KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import { FastJsonCall, type FastJsonCallOptions, type JsonSdkClient } from './fast-json-call.js';
import { dateOf } from './fast-wire.js';
import { sdkModule } from './sdk-modules.js';

const { DescribeKeyCommand } = sdkModule('@aws-sdk/client-kms');

/** bucket: the DescribeKey bucket of the Region's pacer (the one the SDK middleware uses) */
export type FastDescribeKeyOptions = FastJsonCallOptions;

export class FastDescribeKey {
  private readonly describeKey: FastJsonCall<{ KeyId: string }>;

  constructor(kms: KMSClient, options: FastDescribeKeyOptions = {}) {
    this.describeKey = new FastJsonCall(
      kms as unknown as JsonSdkClient,
      {
        label: 'kms.DescribeKey',
        target: 'TrentService.DescribeKey',
        jsonVersion: '1.1',
        command: (input) => new DescribeKeyCommand(input),
      },
      options,
    );
  }

  /**
   * The key's metadata, as `kms.send(new DescribeKeyCommand({KeyId}))` returns it (dates as Date);
   * throws what the SDK would throw (NotFoundException for a deleted key, etc.).
   */
  async describe(keyId: string): Promise<KeyMetadata | undefined> {
    return toMetadata((await this.describeKey.call({ KeyId: keyId })).KeyMetadata);
  }
}

/** awsJson1_1 timestamps are epoch seconds; the SDK turns them into Dates. */
const DATE_FIELDS = ['CreationDate', 'DeletionDate', 'ValidTo'] as const;

function toMetadata(value: unknown): KeyMetadata | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const meta = { ...(value as Record<string, unknown>) };
  // the SDK's first call already holds Dates; the wire's later ones epoch seconds
  for (const field of DATE_FIELDS) if (meta[field] !== undefined) meta[field] = dateOf(meta[field]);
  return meta as unknown as KeyMetadata;
}
