/**
 * UpdateCustomKeyStore (API reference): renames a custom key store, records a new kmsuser
 * password, moves a CloudHSM key store to a related cluster, or changes an external key store's
 * proxy settings. AWS's rules:
 * - a CloudHSM key store must be DISCONNECTED for any change (CustomKeyStoreInvalidStateException);
 * - an external key store may change its name, proxy credential and URI path while CONNECTED or
 *   DISCONNECTED; the other proxy settings need DISCONNECTED;
 * - the new cluster must be related to the current one: the same cluster, or one made from a
 *   backup of the same lineage (CloudHsmClusterNotRelatedException), not used by another store
 *   (CloudHsmClusterInUseException), and it must exist (CloudHsmClusterNotFoundException);
 * - the new name must be unused in the account and Region (CustomKeyStoreNameInUseException);
 * - members of the other store type are refused (ValidationException; wording chosen).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import type { ClusterRecord, StoreRecord } from '../state.js';
import { optionalString, requiredString } from './validate.js';

const CLOUDHSM_MEMBERS = ['KeyStorePassword', 'CloudHsmClusterId'] as const;
const XKS_MEMBERS = [
  'XksProxyUriEndpoint',
  'XksProxyUriPath',
  'XksProxyVpcEndpointServiceName',
  'XksProxyVpcEndpointServiceOwner',
  'XksProxyAuthenticationCredential',
  'XksProxyConnectivity',
] as const;
/** external key store members that may change while the store is CONNECTED */
const XKS_WHILE_CONNECTED = new Set(['CustomKeyStoreName', 'XksProxyAuthenticationCredential', 'XksProxyUriPath']);

function invalidState(s: StoreRecord): SandboxError {
  return new SandboxError(
    'CustomKeyStoreInvalidStateException',
    `UpdateCustomKeyStore is not valid for custom key store ${s.id} in connection state ${s.state}; disconnect it first.`,
  );
}

/** The first cluster of a cluster's backup lineage (clusters restored from backups point to their source). */
function lineageRoot(acc: Account, c: ClusterRecord): string {
  let current = c;
  for (let i = 0; i < 100 && current.sourceBackupId; i++) {
    const backup = acc.state.backups.find((b) => b.id === current.sourceBackupId);
    const source = backup && acc.state.clusters.find((x) => x.id === backup.clusterId);
    if (!backup) break;
    if (!source) return backup.clusterId;
    current = source;
  }
  return current.id;
}

const updateCustomKeyStore: Handler = (acc, input) => {
  const id = requiredString(input, 'CustomKeyStoreId', { min: 1, max: 64 });
  const name = optionalString(input, 'NewCustomKeyStoreName', { min: 1, max: 256 });
  optionalString(input, 'KeyStorePassword', { min: 7, max: 32 });
  const clusterId = optionalString(input, 'CloudHsmClusterId', { min: 19, max: 24 });
  const s = acc.storeById.get(id);
  if (!s) throw new SandboxError('CustomKeyStoreNotFoundException', `Custom key store ${id} does not exist.`);
  const given = Object.keys(input).filter(
    (k) => k !== 'CustomKeyStoreId' && input[k] !== undefined && input[k] !== null,
  );
  const foreign = (s.type === 'AWS_CLOUDHSM' ? XKS_MEMBERS : CLOUDHSM_MEMBERS).filter((m) => given.includes(m));
  if (foreign.length > 0)
    throw new SandboxError(
      'ValidationException',
      `${foreign.join(', ')} cannot be updated on custom key store ${id} of type ${s.type}.`,
    );
  const needsDisconnect =
    s.type === 'AWS_CLOUDHSM' ||
    given.some((m) => !XKS_WHILE_CONNECTED.has(m === 'NewCustomKeyStoreName' ? 'CustomKeyStoreName' : m));
  if (needsDisconnect && s.state !== 'DISCONNECTED') throw invalidState(s);
  if (s.type === 'EXTERNAL_KEY_STORE' && s.state !== 'DISCONNECTED' && s.state !== 'CONNECTED') throw invalidState(s);
  if (name !== undefined && name !== s.name && acc.state.stores.some((x) => x.name === name))
    throw new SandboxError(
      'CustomKeyStoreNameInUseException',
      `Custom key store name ${name} is already in use in this account and Region.`,
    );
  if (clusterId !== undefined && clusterId !== s.clusterId) {
    const next = acc.state.clusters.find((c) => c.id === clusterId);
    if (!next)
      throw new SandboxError('CloudHsmClusterNotFoundException', `AWS CloudHSM cluster ${clusterId} not found.`);
    const current = acc.state.clusters.find((c) => c.id === s.clusterId);
    if (!current || lineageRoot(acc, current) !== lineageRoot(acc, next))
      throw new SandboxError(
        'CloudHsmClusterNotRelatedException',
        `AWS CloudHSM cluster ${clusterId} is not related to cluster ${s.clusterId ?? '(none)'} of custom key store ${id}: it must share its backup history.`,
      );
    if (acc.state.stores.some((x) => x.id !== s.id && x.clusterId === clusterId))
      throw new SandboxError(
        'CloudHsmClusterInUseException',
        `AWS CloudHSM cluster ${clusterId} is already associated with a custom key store.`,
      );
    s.clusterId = clusterId;
  }
  if (name !== undefined) s.name = name;
  if (s.type === 'EXTERNAL_KEY_STORE' && s.xks) {
    const cred = input.XksProxyAuthenticationCredential as { AccessKeyId?: unknown } | undefined;
    if (cred && typeof cred.AccessKeyId === 'string') s.xks.AccessKeyId = cred.AccessKeyId;
    if (typeof input.XksProxyUriEndpoint === 'string') s.xks.UriEndpoint = input.XksProxyUriEndpoint;
    if (typeof input.XksProxyUriPath === 'string') s.xks.UriPath = input.XksProxyUriPath;
    if (typeof input.XksProxyConnectivity === 'string') s.xks.Connectivity = input.XksProxyConnectivity;
    if (typeof input.XksProxyVpcEndpointServiceName === 'string')
      s.xks.VpcEndpointServiceName = input.XksProxyVpcEndpointServiceName;
  }
  acc.dirty = true;
  return {};
};

export const updateStoreHandlers: Record<string, Handler> = { UpdateCustomKeyStore: updateCustomKeyStore };
