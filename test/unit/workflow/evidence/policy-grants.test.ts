import { describe, expect, it } from 'vitest';
import { grantEvidence, isAwsServicePrincipal } from '../../../../src/workflow/evidence/grants.js';
import { extractPolicyPrincipals } from '../../../../src/workflow/evidence/policy-principals.js';

const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('extractPolicyPrincipals', () => {
  it('account root means every IAM principal of that account', () => {
    const p = extractPolicyPrincipals(
      policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }),
    );
    expect(p).toEqual([
      {
        principal: 'arn:aws:iam::111122223333:root',
        kind: 'account',
        note: 'every IAM principal of account 111122223333 whose IAM policy allows it',
        actions: ['kms:*'],
        conditional: false,
      },
    ]);
  });

  it('a bare account ID is the account too', () => {
    expect(
      extractPolicyPrincipals(
        policy({ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: ['kms:Decrypt'] }),
      )[0],
    ).toMatchObject({ kind: 'account' });
  });

  it('keeps only statements that allow a cryptographic action', () => {
    const p = extractPolicyPrincipals(
      policy(
        {
          Sid: 'admins',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmin' },
          Action: ['kms:Describe*', 'kms:Put*', 'kms:ScheduleKeyDeletion'],
        },
        {
          Sid: 'users',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:user/bob'] },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        },
        { Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt' },
      ),
    );
    expect(p.map((x) => x.principal)).toEqual([
      'arn:aws:iam::111122223333:role/app',
      'arn:aws:iam::111122223333:user/bob',
    ]);
    expect(p[0]!.actions).toEqual(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']);
    expect(p[0]!.kind).toBe('iam');
  });

  it('wildcards match case-insensitively (kms:gen*, *)', () => {
    const p = extractPolicyPrincipals(
      policy(
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/a' }, Action: 'KMS:gen*' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/b' }, Action: '*' },
      ),
    );
    expect(p.map((x) => x.principal)).toEqual(['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b']);
  });

  it('NotAction that leaves a cryptographic action counts', () => {
    const p = extractPolicyPrincipals(
      policy({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/x' },
        NotAction: ['kms:Encrypt', 'kms:Decrypt'],
      }),
    );
    expect(p[0]!.actions).toContain('kms:GenerateDataKey');
    expect(p[0]!.actions).not.toContain('kms:Decrypt');
  });

  it('Principal "*", service principals and conditions are reported as such', () => {
    const p = extractPolicyPrincipals(
      policy(
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Decrypt',
          Condition: {
            StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' },
          },
        },
        {
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*'],
        },
      ),
    );
    expect(p).toMatchObject([
      { principal: '*', kind: 'anyone', conditional: true },
      { principal: 'logs.us-east-1.amazonaws.com', kind: 'service', conditional: false },
    ]);
  });

  it('a single Statement object (not an array) is read', () => {
    const text = JSON.stringify({
      Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/a' }, Action: 'kms:Sign' },
    });
    expect(extractPolicyPrincipals(text)).toHaveLength(1);
  });
});

describe('grants', () => {
  it('a grant to an AWS service principal or a service-linked role means a service depends on the key', () => {
    expect(isAwsServicePrincipal('rds.eu-west-1.amazonaws.com')).toBe(true);
    expect(
      isAwsServicePrincipal(
        'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
      ),
    ).toBe(true);
    expect(isAwsServicePrincipal('arn:aws:iam::111122223333:role/app')).toBe(false);
    expect(isAwsServicePrincipal(undefined)).toBe(false);
    const g = grantEvidence([
      { grantId: 'g1', granteePrincipal: 'ec2.amazonaws.com', operations: ['Decrypt', 'CreateGrant'] },
      { grantId: 'g2', name: 'app', granteePrincipal: 'arn:aws:iam::111122223333:role/app', operations: ['Encrypt'] },
    ]);
    expect(g).toEqual([
      {
        grantId: 'g1',
        granteePrincipal: 'ec2.amazonaws.com',
        operations: ['Decrypt', 'CreateGrant'],
        awsService: true,
      },
      {
        grantId: 'g2',
        name: 'app',
        granteePrincipal: 'arn:aws:iam::111122223333:role/app',
        operations: ['Encrypt'],
        awsService: false,
      },
    ]);
  });
});
