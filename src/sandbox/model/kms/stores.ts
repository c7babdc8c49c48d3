/**
 * Custom key stores: creation, listing and the connection state machine of state-rules.json
 * (aws-facts 2.1-2.3). Connect and Disconnect only start a transition; timeline.ts completes it
 * after `config.connectMs` / `config.disconnectMs` of sandbox time.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageArray, truncation } from '../paging.js';
import type { StoreRecord } from '../state.js';

/** aws-facts 2.1: at most 10 custom key stores per account and Region, in any state */
export const STORE_QUOTA = 10;

function storeNotFound(idOrName: string): SandboxError {
  return new SandboxError('CustomKeyStoreNotFoundException', `Custom key store ${idOrName} does not exist.`);
}

function getStore(acc: Account, id: unknown): StoreRecord {
  if (typeof id !== 'string' || !id) {
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value null at 'customKeyStoreId' failed to satisfy constraint: Member must not be null",
    );
  }
  const s = acc.storeById.get(id);
  if (!s) throw storeNotFound(id);
  return s;
}

function invalidState(s: StoreRecord, op: string): SandboxError {
  return new SandboxError(
    'CustomKeyStoreInvalidStateException',
    `${op} is not valid for custom key store ${s.id} in connection state ${s.state}.`,
  );
}

export function storeEntry(s: StoreRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    CustomKeyStoreId: s.id,
    CustomKeyStoreName: s.name,
    ConnectionState: s.state,
    CreationDate: new Date(s.created),
    CustomKeyStoreType: s.type,
  };
  if (s.state === 'FAILED' && s.errorCode) e.ConnectionErrorCode = s.errorCode;
  if (s.type === 'AWS_CLOUDHSM') {
    e.CloudHsmClusterId = s.clusterId;
    e.TrustAnchorCertificate = s.trustAnchor ?? '-----BEGIN CERTIFICATE-----\nSANDBOX\n-----END CERTIFICATE-----';
  } else if (s.xks) {
    e.XksProxyConfiguration = s.xks;
  }
  return e;
}

const createCustomKeyStore: Handler = (acc, input) => {
  const name = input.CustomKeyStoreName;
  if (typeof name !== 'string' || !name || name.length > 256) {
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value at 'customKeyStoreName' failed to satisfy constraint: Member must have length between 1 and 256",
    );
  }
  const type = (input.CustomKeyStoreType as string | undefined) ?? 'AWS_CLOUDHSM';
  if (type !== 'AWS_CLOUDHSM' && type !== 'EXTERNAL_KEY_STORE') {
    throw new SandboxError(
      'ValidationException',
      "Value at 'customKeyStoreType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_CLOUDHSM, EXTERNAL_KEY_STORE]",
    );
  }
  if (acc.state.stores.some((s) => s.name === name)) {
    throw new SandboxError(
      'CustomKeyStoreNameInUseException',
      `Custom key store name ${name} is already in use in this account and Region.`,
    );
  }
  if (acc.state.stores.length >= STORE_QUOTA) {
    throw new SandboxError(
      'LimitExceededException',
      `You have reached the limit of ${STORE_QUOTA} custom key stores in this account and Region.`,
    );
  }
  const s: StoreRecord = { id: acc.ids.customKeyStoreId(), name, type, created: acc.nowMs(), state: 'DISCONNECTED' };
  if (type === 'AWS_CLOUDHSM') {
    const clusterId = input.CloudHsmClusterId;
    const cluster = acc.state.clusters.find((c) => c.id === clusterId);
    if (typeof clusterId !== 'string' || !cluster) {
      throw new SandboxError(
        'CloudHsmClusterNotFoundException',
        `AWS CloudHSM cluster ${String(clusterId)} not found.`,
      );
    }
    if (acc.state.stores.some((x) => x.clusterId === clusterId)) {
      throw new SandboxError(
        'CloudHsmClusterInUseException',
        `AWS CloudHSM cluster ${clusterId} is already associated with a custom key store.`,
      );
    }
    s.clusterId = clusterId;
    if (typeof input.TrustAnchorCertificate === 'string') s.trustAnchor = input.TrustAnchorCertificate;
    // the kmsuser password (KeyStorePassword) is a secret: never kept
  } else {
    s.xks = {
      Connectivity: (input.XksProxyConnectivity as string) ?? 'PUBLIC_ENDPOINT',
      AccessKeyId: String(
        (input.XksProxyAuthenticationCredential as { AccessKeyId?: string } | undefined)?.AccessKeyId ??
          'XKSPROXYACCESSKEY',
      ),
      UriEndpoint: String(input.XksProxyUriEndpoint ?? 'https://xks.example.com'),
      UriPath: String(input.XksProxyUriPath ?? '/kms/xks/v1'),
      ...(typeof input.XksProxyVpcEndpointServiceName === 'string'
        ? { VpcEndpointServiceName: input.XksProxyVpcEndpointServiceName }
        : {}),
    };
  }
  acc.addStore(s);
  return { CustomKeyStoreId: s.id };
};

const describeCustomKeyStores: Handler = (acc, input) => {
  const id = input.CustomKeyStoreId;
  const name = input.CustomKeyStoreName;
  if (id !== undefined && name !== undefined) {
    throw new SandboxError('ValidationException', 'Specify either CustomKeyStoreId or CustomKeyStoreName, not both.');
  }
  const limit = intInRange(input.Limit, 'limit', 1, 1000, 1000);
  let stores = acc.state.stores;
  if (id !== undefined) {
    stores = stores.filter((s) => s.id === id);
    if (stores.length === 0) throw storeNotFound(String(id));
  } else if (name !== undefined) {
    stores = stores.filter((s) => s.name === name);
    if (stores.length === 0) throw storeNotFound(String(name));
  }
  const { page, next } = pageArray(stores, input.Marker, limit);
  return { CustomKeyStores: page.map(storeEntry), ...truncation(next) };
};

const connectCustomKeyStore: Handler = (acc, input) => {
  const s = getStore(acc, input.CustomKeyStoreId);
  if (s.state === 'DISCONNECTING' || s.state === 'FAILED') throw invalidState(s, 'ConnectCustomKeyStore');
  if (s.state === 'DISCONNECTED') {
    if (s.type === 'AWS_CLOUDHSM') {
      const cluster = acc.state.clusters.find((c) => c.id === s.clusterId);
      // aws-facts 2.2: connecting needs an ACTIVE cluster with at least one active HSM
      if (!cluster || cluster.state !== 'ACTIVE' || !cluster.hsms.some((h) => h.State === 'ACTIVE')) {
        throw new SandboxError(
          'CloudHsmClusterNotActiveException',
          `The AWS CloudHSM cluster ${s.clusterId} is not active.`,
        );
      }
    }
    s.state = 'CONNECTING';
    s.transitionAt = acc.nowMs() + acc.state.config.connectMs;
    acc.dueStale = true;
    acc.dirty = true;
  }
  // CONNECTED and CONNECTING: nothing to do, success (state-rules.json)
  return {};
};

const disconnectCustomKeyStore: Handler = (acc, input) => {
  const s = getStore(acc, input.CustomKeyStoreId);
  if (s.state === 'DISCONNECTING' || s.state === 'DISCONNECTED') throw invalidState(s, 'DisconnectCustomKeyStore');
  // keys become Unavailable at once (except PendingDeletion): visibleState() derives it
  s.state = 'DISCONNECTING';
  delete s.errorCode;
  s.transitionAt = acc.nowMs() + acc.state.config.disconnectMs;
  acc.dueStale = true;
  acc.dirty = true;
  return {};
};

const deleteCustomKeyStore: Handler = (acc, input) => {
  const s = getStore(acc, input.CustomKeyStoreId);
  // When both errors apply, the sandbox reports CustomKeyStoreHasCMKsException (AWS does not
  // document the order, state-rules.json): remaining keys are the real blocker, and disconnecting
  // to clear the other error while keys are pending deletion would orphan their key material.
  const keys = acc.storeKeys.get(s.id);
  if (keys && keys.size > 0) {
    throw new SandboxError(
      'CustomKeyStoreHasCMKsException',
      `Custom key store ${s.id} contains KMS keys. Delete all KMS keys in the custom key store before deleting it.`,
    );
  }
  if (s.state !== 'DISCONNECTED') throw invalidState(s, 'DeleteCustomKeyStore');
  acc.removeStore(s);
  return {};
};

export const storeHandlers: Record<string, Handler> = {
  CreateCustomKeyStore: createCustomKeyStore,
  DescribeCustomKeyStores: describeCustomKeyStores,
  ConnectCustomKeyStore: connectCustomKeyStore,
  DisconnectCustomKeyStore: disconnectCustomKeyStore,
  DeleteCustomKeyStore: deleteCustomKeyStore,
};
