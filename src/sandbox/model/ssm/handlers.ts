/**
 * AWS Systems Manager Parameter Store (JSON 1.1, `AmazonSSM.<Op>`): DescribeParameters with KeyId
 * for SecureString parameters (aws-facts-data-at-rest B) and PutParameter.
 *
 * - KeyId is the key as given (`alias/aws/ssm` by default, an alias name, a key ID or an ARN).
 *   The server-side filter `ParameterFilters Key=KeyId` compares that text as stored; whether AWS
 *   also matches another spelling of the same key is UNCONFIRMED, so the sandbox does not, and
 *   a caller must send every spelling (key ID, key ARN, alias names and ARNs).
 * - MaxResults (1-50) counts parameters before the filters apply, so a filtered page can hold
 *   fewer than MaxResults, even none, and still carry a NextToken: callers page until it is gone
 *   (the behaviour commonly reported for DescribeParameters; UNCONFIRMED in AWS's reference).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { changed, dataOf, dataView } from '../data/access.js';
import { resolveKeyArn } from '../data/keys.js';
import type { ParameterRecord } from '../data/state.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';

const FILTER_KEYS = new Set(['Name', 'Type', 'KeyId', 'Tier', 'Path', 'DataType', 'Label']);

function paramArn(acc: Account, name: string): string {
  return `arn:aws:ssm:${acc.region}:${acc.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

type Filter = { Key: string; Option: string; Values: string[] };

function matches(p: ParameterRecord, f: Filter): boolean {
  const value =
    f.Key === 'Name' || f.Key === 'Path'
      ? p.name
      : f.Key === 'Type'
        ? p.type
        : f.Key === 'KeyId'
          ? p.keyId
          : f.Key === 'Tier'
            ? p.tier
            : f.Key === 'DataType'
              ? 'text'
              : undefined;
  if (value === undefined) return false;
  if (f.Key === 'Path') {
    const recursive = f.Option === 'Recursive';
    return f.Values.some((v) => {
      const base = v.endsWith('/') ? v : `${v}/`;
      return p.name.startsWith(base) && (recursive || !p.name.slice(base.length).includes('/'));
    });
  }
  if (f.Option === 'BeginsWith') return f.Values.some((v) => value.startsWith(v));
  if (f.Option === 'Contains') return f.Values.some((v) => value.includes(v));
  return f.Values.includes(value);
}

const describeParameters: Handler = (acc, input) => {
  const limit = intInRange(input.MaxResults, 'maxResults', 1, 50, 50);
  const raw = Array.isArray(input.ParameterFilters) ? (input.ParameterFilters as Array<Record<string, unknown>>) : [];
  const filters: Filter[] = raw.map((f) => {
    if (typeof f.Key !== 'string' || !(FILTER_KEYS.has(f.Key) || f.Key.startsWith('tag:')))
      throw new SandboxError('InvalidFilterKey', `The following filter key is not valid: ${String(f.Key)}`);
    const values = Array.isArray(f.Values) ? f.Values.filter((v): v is string => typeof v === 'string') : [];
    return { Key: f.Key, Option: typeof f.Option === 'string' ? f.Option : 'Equals', Values: values };
  });
  const all = [...dataView(acc).parameters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const fp = fingerprint(filters);
  let start = 0;
  if (input.NextToken !== undefined) {
    const body = decodeToken(input.NextToken, fp);
    if (!body || typeof body.p !== 'number')
      throw new SandboxError('InvalidNextToken', 'The specified token is not valid.');
    start = body.p;
  }
  const window = all.slice(start, start + limit);
  const end = start + window.length;
  return {
    Parameters: window
      .filter((p) => filters.every((f) => matches(p, f)))
      .map((p) => ({
        Name: p.name,
        ARN: paramArn(acc, p.name),
        Type: p.type,
        ...(p.keyId ? { KeyId: p.keyId } : {}),
        LastModifiedDate: new Date(p.modified),
        LastModifiedUser: `arn:aws:iam::${acc.accountId}:user/admin`,
        Version: p.version,
        Tier: p.tier,
        Policies: [],
        DataType: 'text',
      })),
    ...(end < all.length ? { NextToken: encodeToken({ p: end, f: fp }) } : {}),
  };
};

const putParameter: Handler = (acc, input) => {
  const name = input.Name;
  if (typeof name !== 'string' || name.length < 1 || name.length > 2048)
    throw new SandboxError('ValidationException', 'Name must be 1-2048 characters.');
  if (typeof input.Value !== 'string') throw new SandboxError('ValidationException', 'Value is required.');
  const d = dataOf(acc);
  const existing = d.parameters.find((p) => p.name === name);
  if (existing && input.Overwrite !== true)
    throw new SandboxError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  const type = (input.Type ?? existing?.type ?? 'String') as ParameterRecord['type'];
  if (!['String', 'StringList', 'SecureString'].includes(type))
    throw new SandboxError('ValidationException', `Type ${String(type)} is not valid.`);
  let keyId: string | undefined;
  if (type === 'SecureString') {
    keyId = typeof input.KeyId === 'string' ? input.KeyId : (existing?.keyId ?? 'alias/aws/ssm');
    // alias/aws/ssm is created by AWS on first use; any other name must be a key of this account
    if (keyId !== 'alias/aws/ssm' && !resolveKeyArn(acc, keyId))
      throw new SandboxError('InvalidKeyId', 'The KeyId is not valid.');
  } else if (input.KeyId !== undefined)
    throw new SandboxError('ValidationException', 'KeyId is only for SecureString parameters.');
  const rec: ParameterRecord = {
    name,
    type,
    ...(keyId ? { keyId } : {}),
    modified: acc.nowMs(),
    version: (existing?.version ?? 0) + 1,
    tier: input.Tier === 'Advanced' ? 'Advanced' : 'Standard',
  };
  if (existing) Object.assign(existing, rec);
  else d.parameters.push(rec);
  changed(acc);
  return { Version: rec.version, Tier: rec.tier };
};

export const ssmHandlers: Record<string, Handler> = {
  DescribeParameters: describeParameters,
  PutParameter: putParameter,
};
