/**
 * KmsPort on the AWS SDK. Pacing under each operation's quota happens in the client's middleware
 * (one bucket per operation and Region, middleware.ts), so every call here, paginator pages
 * included, is paced without the code below having to ask.
 */
import type {
  AliasListEntry,
  CustomKeyStoresListEntry,
  GrantListEntry,
  KeyMetadata,
  KMSClient,
} from '@aws-sdk/client-kms';
import type {
  AliasInfo,
  ConnectionState,
  GrantInfo,
  KeyInfo,
  KeyState,
  KmsPort,
  LastUsageInfo,
  Progress,
  ScheduleResult,
  StoreInfo,
  StoreType,
} from '../ports.js';
import { toPortError, type CallSite } from '../errors.js';
import { TaskPool } from '../pool.js';
import { FastDescribeKey } from '../fast-describe-key.js';
import type { Pacing } from '../rate-limiter.js';
import type { AdapterSite } from './site.js';
import { sdkModule } from '../sdk-modules.js';

const {
  CancelKeyDeletionCommand,
  ConnectCustomKeyStoreCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  GetKeyLastUsageCommand,
  GetKeyPolicyCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  paginateDescribeCustomKeyStores,
  paginateListAliases,
  paginateListGrants,
  paginateListKeys,
  ScheduleKeyDeletionCommand,
} = sdkModule('@aws-sdk/client-kms');

/** Largest page sizes AWS documents (aws-facts.md section 3.3; the model allows up to 1000 for all). */
export const PAGE_SIZE = { ListKeys: 1000, ListAliases: 100, ListGrants: 100, DescribeCustomKeyStores: 1000 } as const;

export interface KmsAdapterOptions {
  /** DescribeKey calls in flight during scanKeys */
  scanConcurrency: number;
  /**
   * The Region's DescribeKey pacing bucket. When given, scanKeys describes keys through
   * FastDescribeKey (same endpoint, credentials, signer, sockets and pacing; a third of the CPU per
   * call, issue 5), paced by this bucket; without it, through `kms.send` (tests that mock the SDK).
   */
  describeKeyBucket?: () => Pacing | undefined;
  /** --debug sink, for the calls FastDescribeKey makes */
  debugLog?: (line: string) => void;
}

export class KmsAdapter implements KmsPort {
  constructor(
    private readonly client: () => Promise<KMSClient>,
    private readonly where: AdapterSite,
    private readonly options: KmsAdapterOptions,
  ) {}

  async describeStores(): Promise<StoreInfo[]> {
    return this.call('DescribeCustomKeyStores', async (kms) => {
      const stores: StoreInfo[] = [];
      for await (const page of paginateDescribeCustomKeyStores(
        { client: kms, pageSize: PAGE_SIZE.DescribeCustomKeyStores },
        {},
      )) {
        for (const entry of page.CustomKeyStores ?? []) stores.push(toStoreInfo(entry));
      }
      return stores;
    });
  }

  async describeStore(storeId: string): Promise<StoreInfo | null> {
    return this.call('DescribeCustomKeyStores', async (kms) => {
      try {
        const out = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }));
        const entry = out.CustomKeyStores?.[0];
        return entry ? toStoreInfo(entry) : null;
      } catch (error) {
        // an ID that matches nothing throws rather than answering an empty list (aws-facts.md 2.1)
        if (nameOf(error) === 'CustomKeyStoreNotFoundException') return null;
        throw error;
      }
    });
  }

  async scanKeys(keep: (key: KeyInfo) => boolean, onProgress?: Progress): Promise<KeyInfo[]> {
    const kms = await this.client();
    const pool = new TaskPool(this.options.scanConcurrency);
    const fast = this.options.describeKeyBucket
      ? new FastDescribeKey(kms, { bucket: this.options.describeKeyBucket(), debugLog: this.options.debugLog })
      : undefined;
    // kept keys with their listing position, so the result is in ListKeys order whatever the
    // order in which the concurrent DescribeKey calls return
    const kept: Array<{ index: number; key: KeyInfo }> = [];
    let listed = 0;
    let described = 0;
    const pages = paginateListKeys({ client: kms, pageSize: PAGE_SIZE.ListKeys }, {})[Symbol.asyncIterator]();
    try {
      let nextPage = pages.next();
      for (;;) {
        const page = await nextPage.catch((error: unknown) => {
          throw toPortError(error, this.site('ListKeys'));
        });
        if (page.done) break;
        // ask for the following page now, so it arrives while this one is being described
        nextPage = pages.next();
        nextPage.catch(() => {});
        const entries = page.value.Keys ?? [];
        const firstIndex = listed;
        listed += entries.length;
        onProgress?.(described, listed);
        for (const [offset, entry] of entries.entries()) {
          if (!entry.KeyId) continue;
          const keyId = entry.KeyId;
          await pool.submit(async () => {
            // ListKeys can briefly list a key that is already deleted: DescribeKey answers
            // NotFoundException, and the key is skipped (aws-facts.md section 9)
            const key = await this.describeKeyWith(kms, keyId, fast);
            described += 1;
            if (key && keep(key)) kept.push({ index: firstIndex + offset, key });
            onProgress?.(described, listed);
          });
        }
      }
    } catch (error) {
      await pool.settle();
      throw error;
    }
    await pool.drain();
    return kept.sort((a, b) => a.index - b.index).map((k) => k.key);
  }

  async describeKey(keyIdOrArnOrAlias: string): Promise<KeyInfo | null> {
    return this.describeKeyWith(await this.client(), keyIdOrArnOrAlias);
  }

  async listAliases(): Promise<AliasInfo[]> {
    return this.aliases({});
  }

  async listKeyAliases(keyId: string): Promise<AliasInfo[]> {
    return this.aliases({ KeyId: keyId });
  }

  async getKeyPolicy(keyId: string): Promise<string> {
    return this.call('GetKeyPolicy', async (kms) => {
      const out = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
      return out.Policy ?? '';
    });
  }

  async listGrants(keyId: string): Promise<GrantInfo[]> {
    return this.call('ListGrants', async (kms) => {
      const grants: GrantInfo[] = [];
      for await (const page of paginateListGrants({ client: kms, pageSize: PAGE_SIZE.ListGrants }, { KeyId: keyId })) {
        for (const grant of page.Grants ?? []) grants.push(toGrantInfo(grant));
      }
      return grants;
    });
  }

  async getKeyLastUsage(keyId: string): Promise<LastUsageInfo> {
    return this.call('GetKeyLastUsage', async (kms) => {
      const out = await kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
      const usage = out.KeyLastUsage;
      return {
        keyId: out.KeyId ?? keyId,
        ...(out.KeyCreationDate ? { keyCreationDate: out.KeyCreationDate } : {}),
        ...(out.TrackingStartDate ? { trackingStartDate: out.TrackingStartDate } : {}),
        // an empty KeyLastUsage (no Operation) means no successful use since tracking started
        ...(usage?.Operation && usage.Timestamp
          ? {
              lastUsage: {
                operation: usage.Operation,
                timestamp: usage.Timestamp,
                ...(usage.CloudTrailEventId ? { cloudTrailEventId: usage.CloudTrailEventId } : {}),
                ...(usage.KmsRequestId ? { kmsRequestId: usage.KmsRequestId } : {}),
              },
            }
          : {}),
      };
    });
  }

  async scheduleKeyDeletion(keyId: string, pendingWindowInDays: number): Promise<ScheduleResult> {
    return this.call('ScheduleKeyDeletion', async (kms) => {
      const out = await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowInDays }),
      );
      return {
        // the response's KeyId is the key ARN (aws-facts.md 3.1)
        keyArn: out.KeyId ?? keyId,
        // absent only for multi-Region primaries with replicas, which a custom key store cannot hold
        deletionDate: out.DeletionDate ?? new Date(Date.now() + pendingWindowInDays * 86_400_000),
        keyState: (out.KeyState ?? 'PendingDeletion') as KeyState,
        pendingWindowInDays: out.PendingWindowInDays ?? pendingWindowInDays,
      };
    });
  }

  async cancelKeyDeletion(keyId: string): Promise<void> {
    await this.call('CancelKeyDeletion', (kms) => kms.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
  }

  async enableKey(keyId: string): Promise<void> {
    await this.call('EnableKey', (kms) => kms.send(new EnableKeyCommand({ KeyId: keyId })));
  }

  async disableKey(keyId: string): Promise<void> {
    await this.call('DisableKey', (kms) => kms.send(new DisableKeyCommand({ KeyId: keyId })));
  }

  async listResourceTags(keyId: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let marker: string | undefined;
    do {
      const out = await this.call('ListResourceTags', (kms) =>
        kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 50, ...(marker ? { Marker: marker } : {}) })),
      );
      for (const t of out.Tags ?? []) if (t.TagKey !== undefined) tags[t.TagKey] = t.TagValue ?? '';
      marker = out.Truncated ? out.NextMarker : undefined;
    } while (marker);
    return tags;
  }

  async tagResource(keyId: string, tags: Record<string, string>): Promise<void> {
    const list = Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    await this.call('TagResource', (kms) => kms.send(new TagResourceCommand({ KeyId: keyId, Tags: list })));
  }

  async untagResource(keyId: string, tagKeys: string[]): Promise<void> {
    await this.call('UntagResource', (kms) => kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: tagKeys })));
  }

  async connectStore(storeId: string): Promise<void> {
    await this.call('ConnectCustomKeyStore', (kms) =>
      kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId })),
    );
  }

  async disconnectStore(storeId: string): Promise<void> {
    await this.call('DisconnectCustomKeyStore', (kms) =>
      kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId })),
    );
  }

  async deleteStore(storeId: string): Promise<void> {
    await this.call('DeleteCustomKeyStore', (kms) =>
      kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: storeId })),
    );
  }

  private async describeKeyWith(kms: KMSClient, keyId: string, fast?: FastDescribeKey): Promise<KeyInfo | null> {
    try {
      const meta = fast
        ? await fast.describe(keyId)
        : (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
      return meta ? toKeyInfo(meta) : null;
    } catch (error) {
      if (nameOf(error) === 'NotFoundException') return null;
      throw toPortError(error, this.site('DescribeKey'));
    }
  }

  private async aliases(input: { KeyId?: string }): Promise<AliasInfo[]> {
    return this.call('ListAliases', async (kms) => {
      const aliases: AliasInfo[] = [];
      for await (const page of paginateListAliases({ client: kms, pageSize: PAGE_SIZE.ListAliases }, input)) {
        for (const alias of page.Aliases ?? []) aliases.push(toAliasInfo(alias));
      }
      return aliases;
    });
  }

  private async call<T>(operation: string, fn: (kms: KMSClient) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.client());
    } catch (error) {
      throw toPortError(error, this.site(operation));
    }
  }

  private site(operation: string): CallSite {
    return { service: 'kms', operation, ...this.where };
  }
}

function nameOf(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

export function toStoreInfo(entry: CustomKeyStoresListEntry): StoreInfo {
  // CustomKeyStoreType was added after external key stores; older entries are CloudHSM stores
  const type: StoreType =
    (entry.CustomKeyStoreType as StoreType | undefined) ??
    (entry.XksProxyConfiguration ? 'EXTERNAL_KEY_STORE' : 'AWS_CLOUDHSM');
  return {
    id: entry.CustomKeyStoreId ?? '',
    name: entry.CustomKeyStoreName ?? '',
    type,
    connectionState: (entry.ConnectionState ?? 'DISCONNECTED') as ConnectionState,
    ...(entry.ConnectionErrorCode ? { connectionErrorCode: entry.ConnectionErrorCode } : {}),
    ...(entry.CloudHsmClusterId ? { clusterId: entry.CloudHsmClusterId } : {}),
    creationDate: entry.CreationDate ?? new Date(0),
    ...(entry.XksProxyConfiguration
      ? {
          xksProxy: {
            connectivity: entry.XksProxyConfiguration.Connectivity ?? 'PUBLIC_ENDPOINT',
            ...(entry.XksProxyConfiguration.UriEndpoint
              ? { uriEndpoint: entry.XksProxyConfiguration.UriEndpoint }
              : {}),
            ...(entry.XksProxyConfiguration.UriPath ? { uriPath: entry.XksProxyConfiguration.UriPath } : {}),
            ...(entry.XksProxyConfiguration.VpcEndpointServiceName
              ? { vpcEndpointServiceName: entry.XksProxyConfiguration.VpcEndpointServiceName }
              : {}),
          },
        }
      : {}),
  };
}

export function toKeyInfo(meta: KeyMetadata): KeyInfo {
  return {
    keyId: meta.KeyId ?? '',
    arn: meta.Arn ?? '',
    accountId: meta.AWSAccountId ?? '',
    state: (meta.KeyState ?? 'Unavailable') as KeyState,
    keyManager: meta.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
    origin: meta.Origin ?? 'AWS_KMS',
    ...(meta.CustomKeyStoreId ? { customKeyStoreId: meta.CustomKeyStoreId } : {}),
    ...(meta.CloudHsmClusterId ? { cloudHsmClusterId: meta.CloudHsmClusterId } : {}),
    ...(meta.XksKeyConfiguration?.Id ? { xksKeyId: meta.XksKeyConfiguration.Id } : {}),
    creationDate: meta.CreationDate ?? new Date(0),
    ...(meta.DeletionDate ? { deletionDate: meta.DeletionDate } : {}),
    ...(meta.Description ? { description: meta.Description } : {}),
  };
}

function toAliasInfo(alias: AliasListEntry): AliasInfo {
  return {
    aliasName: alias.AliasName ?? '',
    aliasArn: alias.AliasArn ?? '',
    ...(alias.TargetKeyId ? { targetKeyId: alias.TargetKeyId } : {}),
  };
}

function toGrantInfo(grant: GrantListEntry): GrantInfo {
  return {
    grantId: grant.GrantId ?? '',
    ...(grant.Name ? { name: grant.Name } : {}),
    ...(grant.GranteePrincipal ? { granteePrincipal: grant.GranteePrincipal } : {}),
    ...(grant.RetiringPrincipal ? { retiringPrincipal: grant.RetiringPrincipal } : {}),
    operations: [...(grant.Operations ?? [])],
    ...(grant.CreationDate ? { creationDate: grant.CreationDate } : {}),
    ...(grant.Constraints?.EncryptionContextSubset || grant.Constraints?.EncryptionContextEquals
      ? {
          constraints: {
            ...(grant.Constraints.EncryptionContextSubset
              ? { encryptionContextSubset: { ...grant.Constraints.EncryptionContextSubset } }
              : {}),
            ...(grant.Constraints.EncryptionContextEquals
              ? { encryptionContextEquals: { ...grant.Constraints.EncryptionContextEquals } }
              : {}),
          },
        }
      : {}),
  };
}
