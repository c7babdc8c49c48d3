/**
 * AWS Secrets Manager (JSON 1.1, `secretsmanager.<Op>`): ListSecrets with KmsKeyId, DescribeSecret,
 * CreateSecret. A secret under aws/secretsmanager has no KmsKeyId (aws-facts-data-at-rest B).
 * AWS documents the member as an ARN; whether it echoes an alias a caller gave is UNCONFIRMED, so
 * the sandbox keeps what CreateSecret was given (the scenario holds both forms) and readers must
 * match every spelling of a key. ListSecrets leaves out secrets scheduled for deletion unless
 * IncludePlannedDeletion is true.
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import { resolveKeyArn } from '../data/keys.js';
import type { SecretRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

function notFound(): SandboxError {
  return new SandboxError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

function entry(s: SecretRecord): Record<string, unknown> {
  return {
    ARN: s.arn,
    Name: s.name,
    ...(s.description ? { Description: s.description } : {}),
    ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
    LastChangedDate: new Date(s.changed),
    CreatedDate: new Date(s.created),
    ...(s.deletedDate !== undefined ? { DeletedDate: new Date(s.deletedDate) } : {}),
    SecretVersionsToStages: {
      [`${s.name.length.toString(16).padStart(8, '0')}-0000-4000-8000-000000000001`]: ['AWSCURRENT'],
    },
  };
}

const FILTER_KEYS = new Set(['name', 'description', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all']);

const listSecrets: Handler = (acc, input) => {
  const limit = intInRange(input.MaxResults, 'maxResults', 1, 100, 100);
  const filters = Array.isArray(input.Filters) ? (input.Filters as Array<Record<string, unknown>>) : [];
  for (const f of filters)
    if (typeof f.Key !== 'string' || !FILTER_KEYS.has(f.Key))
      throw new SandboxError('InvalidParameterException', `Invalid filter key: ${String(f.Key)}`);
  const include = input.IncludePlannedDeletion === true;
  const matches = (s: SecretRecord): boolean =>
    filters.every((f) => {
      const values = Array.isArray(f.Values) ? (f.Values as string[]) : [];
      const text =
        f.Key === 'name'
          ? s.name
          : f.Key === 'description'
            ? (s.description ?? '')
            : `${s.name} ${s.description ?? ''}`;
      // AWS matches filter values as prefixes (name, description) or words (all)
      return values.some((v) => (f.Key === 'all' ? text.includes(v) : text.startsWith(v)));
    });
  const list = dataView(acc).secrets.filter((s) => (include || s.deletedDate === undefined) && matches(s));
  if (input.SortOrder === 'asc') list.sort((a, b) => a.created - b.created);
  else if (input.SortOrder === 'desc') list.sort((a, b) => b.created - a.created);
  const fp = fingerprint([filters, include, input.SortOrder]);
  let start = 0;
  if (input.NextToken !== undefined) {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidNextTokenException', 'The NextToken value is invalid.');
    start = body.p;
  }
  const page = list.slice(start, start + limit);
  const end = start + page.length;
  return { SecretList: page.map(entry), ...(end < list.length ? { NextToken: encodeToken({ p: end, f: fp }) } : {}) };
};

function findSecret(acc: Account, id: unknown): SecretRecord {
  const s = dataView(acc).secrets.find((x) => x.arn === id || x.name === id);
  if (!s) throw notFound();
  return s;
}

const describeSecret: Handler = (acc, input) => entry(findSecret(acc, input.SecretId));

const createSecret: Handler = (acc, input) => {
  const name = input.Name;
  if (typeof name !== 'string' || name.length < 1 || name.length > 512)
    throw new SandboxError('InvalidParameterException', 'Name must be 1-512 characters.');
  if (dataView(acc).secrets.some((s) => s.name === name))
    throw new SandboxError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  let kmsKeyId: string | undefined;
  if (typeof input.KmsKeyId === 'string') {
    if (!resolveKeyArn(acc, input.KmsKeyId))
      throw new SandboxError('InvalidRequestException', `The KMS key ${input.KmsKeyId} is not accessible.`);
    kmsKeyId = input.KmsKeyId;
  }
  const now = acc.nowMs();
  const suffix = acc.ids.hex(6);
  const s: SecretRecord = {
    name,
    arn: `arn:aws:secretsmanager:${acc.region}:${acc.accountId}:secret:${name}-${suffix}`,
    created: now,
    changed: now,
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
  };
  dataOf(acc).secrets.push(s);
  changed(acc);
  return { ARN: s.arn, Name: s.name, VersionId: acc.ids.uuid() };
};

export const secretsmanagerHandlers: Record<string, Handler> = {
  ListSecrets: listSecrets,
  DescribeSecret: describeSecret,
  CreateSecret: createSecret,
};
