/**
 * The grant EC2 makes when it creates an encrypted EBS volume (aws-facts-data-at-rest C; KMS
 * developer guide, "How Amazon EBS uses AWS KMS"): after GenerateDataKeyWithoutPlaintext, a
 * CreateGrant to the instance's `aws:ec2-infrastructure` session, constrained to the volume by
 * the encryption context `aws:ebs:id`. Grants do not follow their volume: one made for a volume
 * deleted since stays until someone retires it.
 */
import type { Account } from '../account.js';
import { addGrant } from '../kms/grants.js';
import type { GrantRecord } from '../state.js';

export function ebsGrant(
  keyAccount: Account,
  keyId: string,
  volumeId: string,
  opts: { instanceId?: string; volumeAccount?: string; created?: number } = {},
): GrantRecord {
  const account = opts.volumeAccount ?? keyAccount.accountId;
  const instance = opts.instanceId ?? 'i-0ec2infrastructure0';
  const g = addGrant(
    keyAccount,
    keyId,
    `arn:aws:sts::${account}:assumed-role/aws:ec2-infrastructure/${instance}`,
    ['Decrypt'],
    undefined,
    { constraints: { EncryptionContextSubset: { 'aws:ebs:id': volumeId } } },
  );
  if (opts.volumeAccount && opts.volumeAccount !== keyAccount.accountId) g.issuingAccount = opts.volumeAccount;
  if (opts.created !== undefined) g.created = opts.created;
  return g;
}

/** DynamoDB's grant for a table under a customer managed key (grantee and retiring principal the service). */
export function dynamodbGrant(acc: Account, keyId: string, table: string, created?: number): GrantRecord {
  const service = `dynamodb.${acc.region}.amazonaws.com`;
  const g = addGrant(
    acc,
    keyId,
    service,
    [
      'Decrypt',
      'Encrypt',
      'GenerateDataKey',
      'GenerateDataKeyWithoutPlaintext',
      'ReEncryptFrom',
      'ReEncryptTo',
      'DescribeKey',
      'RetireGrant',
    ],
    undefined,
    {
      retiring: service,
      constraints: {
        EncryptionContextSubset: { 'aws:dynamodb:tableName': table, 'aws:dynamodb:subscriberId': acc.accountId },
      },
    },
  );
  if (created !== undefined) g.created = created;
  return g;
}
