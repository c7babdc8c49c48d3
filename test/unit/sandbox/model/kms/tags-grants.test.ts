/** KMS tags, grants, key policies, aliases and descriptions: AWS's rules, errors and CloudTrail records. */
import { describe, expect, it } from 'vitest';
import { createModel, scenario, DEMO_KEYS } from '../../../../../src/sandbox/model/index.js';
import { call, callError, kms } from '../helpers.js';

const arnOf = (id: string): string => `arn:aws:kms:us-east-1:111122223333:key/${id}`;
const demo = () => createModel(scenario('demo'));
const KEY = DEMO_KEYS.unusedA;

/** The CloudTrail event of the last call named `name` (LookupEvents, newest first). */
function lastEvent(m: ReturnType<typeof demo>, name: string): Record<string, any> {
  const out = call(m, 'cloudtrail', 'LookupEvents', {
    LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }],
    MaxResults: 1,
  });
  return JSON.parse(out.Events[0].CloudTrailEvent);
}

describe('tags', () => {
  it('TagResource adds and replaces, UntagResource removes, ListResourceTags lists in order', () => {
    const m = demo();
    kms(m, 'TagResource', {
      KeyId: KEY,
      Tags: [
        { TagKey: 'team', TagValue: 'a' },
        { TagKey: 'env', TagValue: '' },
      ],
    });
    kms(m, 'TagResource', { KeyId: arnOf(KEY), Tags: [{ TagKey: 'team', TagValue: 'b' }] });
    expect(kms(m, 'ListResourceTags', { KeyId: KEY })).toEqual({
      Tags: [
        { TagKey: 'team', TagValue: 'b' },
        { TagKey: 'env', TagValue: '' },
      ],
      Truncated: false,
    });
    kms(m, 'UntagResource', { KeyId: KEY, TagKeys: ['team', 'absent'] });
    expect(kms(m, 'ListResourceTags', { KeyId: KEY }).Tags).toEqual([{ TagKey: 'env', TagValue: '' }]);
    const ev = lastEvent(m, 'UntagResource');
    expect(ev.requestParameters).toEqual({ keyId: KEY, tagKeys: ['team', 'absent'] });
    expect(ev.resources[0].ARN).toBe(arnOf(KEY));
    expect(lastEvent(m, 'TagResource').requestParameters.tags).toEqual([{ tagKey: 'team', tagValue: 'b' }]);
  });

  it('refuses reserved, too long, duplicate and too many tags as AWS does', () => {
    const m = demo();
    expect(callError(m, 'kms', 'TagResource', { KeyId: KEY, Tags: [{ TagKey: 'aws:x', TagValue: 'v' }] }).code).toBe(
      'TagException',
    );
    expect(
      callError(m, 'kms', 'TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k'.repeat(129), TagValue: 'v' }] }).message,
    ).toMatch(
      /at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128/,
    );
    expect(callError(m, 'kms', 'TagResource', { KeyId: KEY }).message).toContain("Value null at 'tags'");
    expect(
      callError(m, 'kms', 'TagResource', {
        KeyId: KEY,
        Tags: [
          { TagKey: 'a', TagValue: '1' },
          { TagKey: 'a', TagValue: '2' },
        ],
      }).code,
    ).toBe('TagException');
    kms(m, 'TagResource', {
      KeyId: KEY,
      Tags: Array.from({ length: 50 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })),
    });
    expect(callError(m, 'kms', 'TagResource', { KeyId: KEY, Tags: [{ TagKey: 'one-more', TagValue: 'v' }] }).code).toBe(
      'LimitExceededException',
    );
    // replacing an existing key stays within the quota
    kms(m, 'TagResource', { KeyId: KEY, Tags: [{ TagKey: 'k0', TagValue: 'w' }] });
    expect(kms(m, 'ListResourceTags', { KeyId: KEY, Limit: 1 })).toMatchObject({
      Tags: [{ TagKey: 'k0', TagValue: 'w' }],
      Truncated: true,
    });
  });

  it('CreateKey tags follow the same rules', () => {
    const m = demo();
    expect(callError(m, 'kms', 'CreateKey', { Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] }).code).toBe(
      'TagException',
    );
  });
});

describe('grants', () => {
  const ebs = {
    KeyId: KEY,
    GranteePrincipal: 'arn:aws:iam::111122223333:role/ebs-attach',
    RetiringPrincipal: 'arn:aws:iam::111122223333:role/ebs-cleanup',
    Operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant'],
    Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0abc1234def567890' } },
    Name: 'ebs-vol-0abc',
  };

  it('CreateGrant returns a grant id and token; ListGrants shows every field, constraints included', () => {
    const m = demo();
    const out = kms(m, 'CreateGrant', ebs);
    expect(out.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof out.GrantToken).toBe('string');
    const [g] = kms(m, 'ListGrants', { KeyId: KEY }).Grants;
    expect(g).toEqual({
      KeyId: arnOf(KEY),
      GrantId: out.GrantId,
      Name: 'ebs-vol-0abc',
      CreationDate: expect.any(Date),
      GranteePrincipal: ebs.GranteePrincipal,
      RetiringPrincipal: ebs.RetiringPrincipal,
      IssuingAccount: 'arn:aws:iam::111122223333:root',
      Operations: ebs.Operations,
      Constraints: ebs.Constraints,
    });
    const ev = lastEvent(m, 'CreateGrant');
    expect(ev.requestParameters.constraints).toEqual({
      encryptionContextSubset: { 'aws:ebs:id': 'vol-0abc1234def567890' },
    });
    expect(ev.responseElements).toEqual({ grantId: out.GrantId });
    expect(ev.resources[0].ARN).toBe(arnOf(KEY));
  });

  it('a retry with the same Name and parameters returns the same grant with a new token; without Name a new grant', () => {
    const m = demo();
    const a = kms(m, 'CreateGrant', ebs);
    const b = kms(m, 'CreateGrant', ebs);
    expect(b.GrantId).toBe(a.GrantId);
    expect(b.GrantToken).not.toBe(a.GrantToken);
    const { Name: _n, ...unnamed } = ebs;
    expect(kms(m, 'CreateGrant', unnamed).GrantId).not.toBe(kms(m, 'CreateGrant', unnamed).GrantId);
    expect(kms(m, 'ListGrants', { KeyId: KEY }).Grants).toHaveLength(3);
  });

  it('validates operations, principals, names, the key form and DryRun', () => {
    const m = demo();
    const base = { KeyId: KEY, GranteePrincipal: 'arn:aws:iam::111122223333:role/x', Operations: ['Decrypt'] };
    expect(callError(m, 'kms', 'CreateGrant', { ...base, Operations: ['Fly'] }).message).toMatch(
      /at 'operations.1.member' failed to satisfy constraint: Member must satisfy enum value set: \[Decrypt, Encrypt/,
    );
    expect(callError(m, 'kms', 'CreateGrant', { ...base, Operations: ['Sign'] }).message).toBe(
      'Grant operations Sign are not valid for a KMS key with key usage ENCRYPT_DECRYPT.',
    );
    expect(callError(m, 'kms', 'CreateGrant', { ...base, GranteePrincipal: 'bad principal' }).code).toBe(
      'ValidationException',
    );
    expect(callError(m, 'kms', 'CreateGrant', { ...base, Name: 'no spaces' }).message).toContain(
      'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$',
    );
    expect(callError(m, 'kms', 'CreateGrant', { ...base, KeyId: 'alias/payments-legacy' }).code).toBe(
      'NotFoundException',
    );
    expect(callError(m, 'kms', 'CreateGrant', { ...base, DryRun: true }).code).toBe('DryRunOperationException');
    expect(kms(m, 'ListGrants', { KeyId: KEY }).Grants).toEqual([]);
  });

  it('RetireGrant by token or by key and grant id; RevokeGrant; ListRetirableGrants', () => {
    const m = demo();
    const a = kms(m, 'CreateGrant', ebs);
    const { Name: _n, ...other } = ebs;
    const b = kms(m, 'CreateGrant', { ...other, KeyId: DEMO_KEYS.unusedB });
    const retirable = kms(m, 'ListRetirableGrants', { RetiringPrincipal: ebs.RetiringPrincipal });
    expect(retirable.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual([a.GrantId, b.GrantId]);
    expect(kms(m, 'RetireGrant', { GrantToken: a.GrantToken })).toEqual({});
    expect(callError(m, 'kms', 'RetireGrant', { GrantToken: a.GrantToken }).code).toBe('InvalidGrantTokenException');
    expect(callError(m, 'kms', 'RetireGrant', { GrantToken: 'garbage' }).code).toBe('InvalidGrantTokenException');
    expect(callError(m, 'kms', 'RetireGrant', { KeyId: DEMO_KEYS.unusedB }).code).toBe('ValidationException');
    kms(m, 'RetireGrant', { KeyId: arnOf(DEMO_KEYS.unusedB), GrantId: b.GrantId });
    expect(kms(m, 'ListRetirableGrants', { RetiringPrincipal: ebs.RetiringPrincipal }).Grants).toEqual([]);
    const c = kms(m, 'CreateGrant', other);
    expect(callError(m, 'kms', 'RevokeGrant', { KeyId: DEMO_KEYS.unusedB, GrantId: c.GrantId }).code).toBe(
      'NotFoundException',
    );
    kms(m, 'RevokeGrant', { KeyId: KEY, GrantId: c.GrantId });
    expect(kms(m, 'ListGrants', { KeyId: KEY }).Grants).toEqual([]);
  });

  it('RetireGrant by a caller of another account that the grant does not name is refused', () => {
    const m = demo();
    const a = kms(m, 'CreateGrant', ebs);
    m.acc.state.identities['AKIAOTHERACCOUNT0001'] = {
      type: 'IAMUser',
      arn: 'arn:aws:iam::444455556666:user/outsider',
      principalId: 'AIDAOUTSIDER',
      userName: 'outsider',
    };
    const ctx = {
      service: 'kms' as const,
      operation: 'RetireGrant',
      region: 'us-east-1',
      accessKeyId: 'AKIAOTHERACCOUNT0001',
      requestId: 'r',
    };
    expect(() => m.handle(ctx, { GrantToken: a.GrantToken })).toThrow(/not authorized to perform: kms:RetireGrant/);
  });
});

describe('key policies', () => {
  const policy = (principal: string, action = 'kms:*') =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*' }],
    });

  it('PutKeyPolicy stores the document GetKeyPolicy returns; ListKeyPolicies names default', () => {
    const m = demo();
    const p = policy('arn:aws:iam::111122223333:root');
    kms(m, 'PutKeyPolicy', { KeyId: KEY, PolicyName: 'default', Policy: p });
    expect(kms(m, 'GetKeyPolicy', { KeyId: KEY })).toEqual({ Policy: p, PolicyName: 'default' });
    expect(kms(m, 'ListKeyPolicies', { KeyId: KEY })).toEqual({ PolicyNames: ['default'], Truncated: false });
  });

  it('refuses malformed documents, the lockout, other names; the bypass flag skips the lockout check', () => {
    const m = demo();
    expect(callError(m, 'kms', 'PutKeyPolicy', { KeyId: KEY, Policy: '{not json' }).code).toBe(
      'MalformedPolicyDocumentException',
    );
    expect(callError(m, 'kms', 'PutKeyPolicy', { KeyId: KEY, Policy: '{"Statement":[{"Effect":"Allow"}]}' }).code).toBe(
      'MalformedPolicyDocumentException',
    );
    const lockout = policy('arn:aws:iam::111122223333:role/someone-else', 'kms:Decrypt');
    expect(callError(m, 'kms', 'PutKeyPolicy', { KeyId: KEY, Policy: lockout }).message).toBe(
      'The new key policy will not allow you to update the key policy in the future.',
    );
    kms(m, 'PutKeyPolicy', { KeyId: KEY, Policy: lockout, BypassPolicyLockoutSafetyCheck: true });
    expect(callError(m, 'kms', 'PutKeyPolicy', { KeyId: KEY, Policy: policy('*'), PolicyName: 'other' }).code).toBe(
      'NotFoundException',
    );
    expect(callError(m, 'kms', 'PutKeyPolicy', { KeyId: KEY, Policy: 'x'.repeat(40_000) }).code).toBe(
      'LimitExceededException',
    );
  });
});

describe('aliases and descriptions', () => {
  it('UpdateAlias moves an alias, DeleteAlias removes it', () => {
    const m = demo();
    kms(m, 'CreateAlias', { AliasName: 'alias/app', TargetKeyId: KEY });
    kms(m, 'UpdateAlias', { AliasName: 'alias/app', TargetKeyId: DEMO_KEYS.unusedB });
    expect(kms(m, 'DescribeKey', { KeyId: 'alias/app' }).KeyMetadata.KeyId).toBe(DEMO_KEYS.unusedB);
    kms(m, 'DeleteAlias', { AliasName: 'alias/app' });
    expect(callError(m, 'kms', 'DescribeKey', { KeyId: 'alias/app' }).code).toBe('NotFoundException');
    expect(callError(m, 'kms', 'DeleteAlias', { AliasName: 'alias/app' }).message).toBe(
      'Alias arn:aws:kms:us-east-1:111122223333:alias/app is not found.',
    );
  });

  it('answers AWS texts for names without the prefix, with a colon, and under alias/aws/', () => {
    const m = demo();
    expect(callError(m, 'kms', 'CreateAlias', { AliasName: 'app', TargetKeyId: KEY }).message).toMatch(
      /^Alias must start with the prefix "alias\/"/,
    );
    expect(callError(m, 'kms', 'CreateAlias', { AliasName: 'alias/a:b', TargetKeyId: KEY }).message).toBe(
      'alias/a:b contains invalid characters for an alias',
    );
    expect(callError(m, 'kms', 'CreateAlias', { AliasName: 'alias/a b', TargetKeyId: KEY }).message).toContain(
      'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$',
    );
    expect(callError(m, 'kms', 'CreateAlias', { AliasName: 'alias/aws/x', TargetKeyId: KEY }).code).toBe(
      'NotAuthorizedException',
    );
    expect(callError(m, 'kms', 'UpdateAlias', { AliasName: 'alias/none', TargetKeyId: KEY }).code).toBe(
      'NotFoundException',
    );
  });

  it('UpdateKeyDescription sets and clears the description', () => {
    const m = demo();
    kms(m, 'UpdateKeyDescription', { KeyId: KEY, Description: 'payments, retired 2027' });
    expect(kms(m, 'DescribeKey', { KeyId: KEY }).KeyMetadata.Description).toBe('payments, retired 2027');
    kms(m, 'UpdateKeyDescription', { KeyId: KEY, Description: '' });
    expect(kms(m, 'DescribeKey', { KeyId: KEY }).KeyMetadata.Description).toBe('');
    expect(callError(m, 'kms', 'UpdateKeyDescription', { KeyId: KEY }).code).toBe('ValidationException');
  });
});
