/**
 * The REST services of the sandbox, routed by method and path instead of a target header:
 * - Amazon S3, REST-XML, path-style only (`GET /`, `GET /{bucket}?encryption`, ...): clients
 *   pointed at an IP endpoint (127.0.0.1) use path-style addressing, the SDK v3 and the AWS CLI
 *   alike. Object paths (`/{bucket}/{key}`) are not served.
 * - AWS Backup, REST-JSON (`GET /backup-vaults/`, `GET /backup-vaults/{name}/recovery-points/`).
 * Each becomes (operation, input) with the members named as in the service model, so the model
 * sees the same input shape whatever the client.
 */
import { SandboxError } from '../../contract.js';

export interface RestRoute {
  service: 's3' | 'backup';
  operation: string;
  input: Record<string, unknown>;
}

function xmlText(body: string, tag: string): string | undefined {
  const m = new RegExp(`<(?:\\w+:)?${tag}>([\\s\\S]*?)</(?:\\w+:)?${tag}>`).exec(body);
  return m ? decodeXml(m[1]!.trim()) : undefined;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function s3Route(method: string, path: string, query: URLSearchParams, body: string): RestRoute {
  const parts = path.split('/').filter((p) => p !== '');
  const route = (operation: string, input: Record<string, unknown> = {}): RestRoute => ({
    service: 's3',
    operation,
    input,
  });
  if (parts.length === 0) {
    if (method !== 'GET')
      throw new SandboxError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
    const input: Record<string, unknown> = {};
    const max = query.get('max-buckets');
    if (max !== null) input.MaxBuckets = Number(max);
    for (const [param, member] of [
      ['continuation-token', 'ContinuationToken'],
      ['prefix', 'Prefix'],
      ['bucket-region', 'BucketRegion'],
    ] as const) {
      const v = query.get(param);
      if (v !== null) input[member] = v;
    }
    return route('ListBuckets', input);
  }
  if (parts.length > 1)
    throw new SandboxError('NotImplemented', 'The kscli sandbox serves bucket operations only, not objects.', 501);
  const Bucket = decodeURIComponent(parts[0]!);
  if (query.has('encryption')) {
    if (method === 'GET') return route('GetBucketEncryption', { Bucket });
    if (method === 'DELETE') return route('DeleteBucketEncryption', { Bucket });
    if (method === 'PUT')
      return route('PutBucketEncryption', {
        Bucket,
        SSEAlgorithm: xmlText(body, 'SSEAlgorithm'),
        KMSMasterKeyID: xmlText(body, 'KMSMasterKeyID'),
        BucketKeyEnabled: xmlText(body, 'BucketKeyEnabled') === 'true',
      });
  }
  if (query.has('location') && method === 'GET') return route('GetBucketLocation', { Bucket });
  if ([...query.keys()].some((k) => k !== 'x-id'))
    throw new SandboxError(
      'NotImplemented',
      `The kscli sandbox does not serve ?${[...query.keys()].join('&')} on buckets.`,
      501,
    );
  if (method === 'PUT')
    return route('CreateBucket', { Bucket, LocationConstraint: xmlText(body, 'LocationConstraint') });
  if (method === 'HEAD') return route('HeadBucket', { Bucket });
  if (method === 'DELETE') return route('DeleteBucket', { Bucket });
  throw new SandboxError('NotImplemented', 'The kscli sandbox does not list objects.', 501);
}

function backupRoute(method: string, path: string, query: URLSearchParams, body: string): RestRoute {
  const parts = path.split('/').filter((p) => p !== '');
  const input: Record<string, unknown> = {};
  for (const [param, member] of [
    ['maxResults', 'MaxResults'],
    ['nextToken', 'NextToken'],
    ['resourceArn', 'ByResourceArn'],
    ['resourceType', 'ByResourceType'],
  ] as const) {
    const v = query.get(param);
    if (v !== null) input[member] = member === 'MaxResults' ? Number(v) : v;
  }
  const route = (operation: string): RestRoute => ({ service: 'backup', operation, input });
  if (parts[0] !== 'backup-vaults')
    throw new SandboxError(
      'UnknownOperationException',
      `The kscli sandbox does not serve ${method} ${path} for AWS Backup.`,
      404,
    );
  if (parts.length === 1 && method === 'GET') return route('ListBackupVaults');
  input.BackupVaultName = decodeURIComponent(parts[1] ?? '');
  if (parts.length === 3 && parts[2] === 'recovery-points' && method === 'GET')
    return route('ListRecoveryPointsByBackupVault');
  if (parts.length === 2) {
    if (method === 'GET') return route('DescribeBackupVault');
    if (method === 'DELETE') return route('DeleteBackupVault');
    if (method === 'PUT') {
      if (body.trim() !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw new SandboxError('SerializationException', 'The request body is not valid JSON.');
        }
        if (parsed && typeof parsed === 'object') Object.assign(input, parsed);
      }
      return route('CreateBackupVault');
    }
  }
  throw new SandboxError(
    'UnknownOperationException',
    `The kscli sandbox does not serve ${method} ${path} for AWS Backup.`,
    404,
  );
}

/**
 * The REST call a request is, or undefined when it is none of theirs. `scopeService` is the
 * SigV4 credential scope's service (`s3`, `backup`): every AWS client signs, and an unsigned GET
 * stays what it always was here (MethodNotAllowed, in JSON).
 */
export function decodeRestRoute(
  method: string,
  url: string,
  scopeService: string | undefined,
  body: string,
): RestRoute | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  if (scopeService === 'backup') return backupRoute(method, path, query, body);
  if (scopeService === 's3') return s3Route(method, path, query, body);
  return undefined;
}
