import { describe, expect, it } from 'vitest';
import {
  classifyEvent,
  principalOf,
  summarizeKeyEvents,
} from '../../../../src/workflow/evidence/cloudtrail-classify.js';
import { kmsEvent, makeKey } from './fake-aws.js';

const key = makeKey();
const other = makeKey();
const t = (d: number) => new Date(Date.UTC(2026, 10, d));

describe('own-call exclusion: management reads are never use', () => {
  // kscli itself makes these calls while gathering evidence; each references the key in resources[]
  it.each([
    'DescribeKey',
    'GetKeyPolicy',
    'ListGrants',
    'GetKeyLastUsage',
    'ListAliases',
    'ListResourceTags',
    'GetKeyRotationStatus',
    'ScheduleKeyDeletion',
    'DisableKey',
    'GenerateRandom',
  ])('%s is ignored', (eventName) => {
    expect(
      classifyEvent(
        kmsEvent(key, eventName, t(1), { principal: 'arn:aws:iam::111122223333:user/kscli-operator' }),
        key.arn,
      ),
    ).toBe('ignored');
  });

  it('a run of kscli own calls leaves the counts empty', () => {
    const own = ['DescribeKey', 'GetKeyPolicy', 'ListGrants', 'GetKeyLastUsage'].map((n) => kmsEvent(key, n, t(2)));
    const s = summarizeKeyEvents(own, key.arn);
    expect(s.operations).toEqual({});
    expect(s.principals).toEqual([]);
    expect(s.failedAttemptCount).toBe(0);
    expect(s.ignoredEventCount).toBe(4);
  });
});

describe('cryptographic use', () => {
  it.each([
    'Encrypt',
    'Decrypt',
    'ReEncrypt',
    'GenerateDataKey',
    'GenerateDataKeyWithoutPlaintext',
    'GenerateDataKeyPair',
    'GenerateMac',
    'VerifyMac',
    'Sign',
    'Verify',
    'DeriveSharedSecret',
  ])('%s is use', (eventName) => {
    expect(classifyEvent(kmsEvent(key, eventName, t(1)), key.arn)).toBe('use');
  });

  it('matches the key in resources[].ARN even without requestParameters.keyId (symmetric Decrypt)', () => {
    const e = kmsEvent(key, 'Decrypt', t(1));
    expect(e.detail.requestParameters).toBeUndefined();
    expect(classifyEvent(e, key.arn)).toBe('use');
  });

  it("does not trust requestParameters.keyId: an event whose resources name another key is not this key's use", () => {
    const e = kmsEvent(other, 'Decrypt', t(1));
    e.detail.requestParameters = { keyId: key.arn };
    expect(classifyEvent(e, key.arn)).toBe('ignored');
  });

  it('ReEncrypt counts for the source key (resources[0]) and the destination key (resources[1])', () => {
    const e = kmsEvent(key, 'ReEncrypt', t(1), {
      resources: [
        { type: 'AWS::KMS::Key', ARN: key.arn },
        { type: 'AWS::KMS::Key', ARN: other.arn },
      ],
    });
    expect(classifyEvent(e, key.arn)).toBe('use');
    expect(classifyEvent(e, other.arn)).toBe('use');
  });

  it('an event of another service is not KMS use', () => {
    expect(classifyEvent(kmsEvent(key, 'Decrypt', t(1), { eventSource: 's3.amazonaws.com' }), key.arn)).toBe('ignored');
  });

  it('failed attempts (errorCode / errorMessage) are dependence, listed newest first', () => {
    const events = [
      kmsEvent(key, 'Decrypt', t(3), { errorCode: 'DisabledException', errorMessage: `${key.arn} is disabled.` }),
      kmsEvent(key, 'Encrypt', t(5), {
        errorCode: 'KMSInvalidStateException',
        errorMessage: `${key.arn} is pending deletion.`,
      }),
      kmsEvent(key, 'GenerateDataKey', t(4)),
    ];
    expect(classifyEvent(events[0]!, key.arn)).toBe('failed-use');
    const s = summarizeKeyEvents(events, key.arn);
    expect(s.failedAttemptCount).toBe(2);
    expect(s.failedAttempts.map((f) => f.errorCode)).toEqual(['KMSInvalidStateException', 'DisabledException']);
    expect(s.operations).toEqual({ GenerateDataKey: 1 });
    expect(s.newest?.eventName).toBe('GenerateDataKey');
  });

  it('counts by operation and principal; the newest event wins whatever the order', () => {
    const events = [
      kmsEvent(key, 'Decrypt', t(1)),
      kmsEvent(key, 'Decrypt', t(9), { principal: 'arn:aws:iam::111122223333:user/alice' }),
      kmsEvent(key, 'Encrypt', t(5)),
    ];
    const s = summarizeKeyEvents(events, key.arn);
    expect(s.operations).toEqual({ Decrypt: 2, Encrypt: 1 });
    expect(s.principals).toEqual([
      { principal: 'arn:aws:iam::111122223333:role/app', count: 2 },
      { principal: 'arn:aws:iam::111122223333:user/alice', count: 1 },
    ]);
    expect(s.newest).toMatchObject({ eventName: 'Decrypt', principal: 'arn:aws:iam::111122223333:user/alice' });
  });
});

describe('principalOf', () => {
  it('reports the role behind an assumed-role session, not the session', () => {
    expect(principalOf(kmsEvent(key, 'Decrypt', t(1)))).toBe('arn:aws:iam::111122223333:role/app');
  });
  it('reports a service acting on its own behalf, and a caller via a service', () => {
    const svc = kmsEvent(key, 'Decrypt', t(1));
    svc.detail.userIdentity = { type: 'AWSService', invokedBy: 'ebs.amazonaws.com' };
    expect(principalOf(svc)).toBe('ebs.amazonaws.com');
    const via = kmsEvent(key, 'Decrypt', t(1));
    via.detail.userIdentity!.invokedBy = 's3.amazonaws.com';
    expect(principalOf(via)).toBe('arn:aws:iam::111122223333:role/app via s3.amazonaws.com');
  });
});
