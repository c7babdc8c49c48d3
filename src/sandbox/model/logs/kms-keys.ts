/**
 * CloudWatch Logs log groups and their KMS key (issue 19: a log group encrypted under a key is data
 * at rest under it): CreateLogGroup with kmsKeyId, AssociateKmsKey, DisassociateKmsKey.
 * DescribeLogGroups (logs.ts) shows kmsKeyId, which Logs keeps as the key ARN it was given (it
 * requires an ARN: aws-facts-data-at-rest B).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import type { Handler } from '../handler.js';
import type { LogGroupRecord } from '../state.js';

function keyArnParam(acc: Account, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/.+$/.test(v))
    throw new SandboxError('InvalidParameterException', 'Specified KMS key must be a key ARN.');
  const id = v.split('/').pop()!;
  if (v.includes(`:${acc.accountId}:`) && !acc.keyById.has(id))
    throw new SandboxError('InvalidParameterException', `Specified KMS key ${v} does not exist.`);
  return v;
}

function group(acc: Account, name: unknown): LogGroupRecord {
  const g = acc.state.logGroups.find((x) => x.name === name);
  if (!g) throw new SandboxError('ResourceNotFoundException', 'The specified log group does not exist.');
  return g;
}

const createLogGroup: Handler = (acc, input) => {
  const name = input.logGroupName;
  if (typeof name !== 'string' || !/^[\w\-/.#]{1,512}$/.test(name))
    throw new SandboxError('InvalidParameterException', 'logGroupName must be 1-512 characters of [a-zA-Z0-9_-/.#].');
  if (acc.state.logGroups.some((g) => g.name === name))
    throw new SandboxError('ResourceAlreadyExistsException', 'The specified log group already exists');
  const kmsKeyId = keyArnParam(acc, input.kmsKeyId);
  const cls = input.logGroupClass === 'INFREQUENT_ACCESS' ? 'INFREQUENT_ACCESS' : 'STANDARD';
  acc.state.logGroups.push({
    name,
    created: acc.nowMs(),
    logGroupClass: cls,
    storedBytes: 0,
    filters: [],
    ...(kmsKeyId ? { kmsKeyId } : {}),
  });
  acc.dirty = true;
  return {};
};

const associateKmsKey: Handler = (acc, input) => {
  const g = group(acc, input.logGroupName);
  g.kmsKeyId = keyArnParam(acc, input.kmsKeyId);
  if (!g.kmsKeyId) throw new SandboxError('InvalidParameterException', 'kmsKeyId is required.');
  acc.dirty = true;
  return {};
};

const disassociateKmsKey: Handler = (acc, input) => {
  const g = group(acc, input.logGroupName);
  delete g.kmsKeyId;
  acc.dirty = true;
  return {};
};

export const logsKmsHandlers: Record<string, Handler> = {
  CreateLogGroup: createLogGroup,
  AssociateKmsKey: associateKmsKey,
  DisassociateKmsKey: disassociateKmsKey,
};
