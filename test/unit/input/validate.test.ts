import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseKeyRef,
  parseWindowDays,
  validateStoreId,
  checkKeyRefAccount,
  validateAccountId,
} from '../../../src/input/validate.js';
import { KscliError } from '../../../src/errors.js';

const code = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (e) {
    return (e as KscliError).exitCode;
  }
};

describe('input validation (exit 2 before any AWS call)', () => {
  it.each(['cks-1234567890abcdef0', 'cks-abcdef12345678901'])('store ID %s is accepted', (v) =>
    expect(code(() => validateStoreId(v))).toBe(0),
  );
  it('an upper-case store ID is read as the lower-case ID AWS issued', () => {
    expect(validateStoreId('CKS-1234567890ABCDEF0')).toBe('cks-1234567890abcdef0');
    expect(validateStoreId('cks-1234567890ABCdef0')).toBe('cks-1234567890abcdef0');
  });
  it.each([
    'CKS-1234567890ABCDEF',
    'cks-1234567890abcdef',
    'cks-1234567890abcdef01',
    'cks-1234567890abcdefg',
    'ks-1234567890abcdef0',
    'cks_1234567890abcdef0',
    ' cks-1234567890abcdef0',
    'alias/x',
    '',
  ])('store ID %j is refused', (v) => expect(code(() => validateStoreId(v))).toBe(2));

  const region = 'eu-west-1';
  const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
  it('key IDs, key ARNs and aliases parse', () => {
    expect(parseKeyRef(id, region)).toMatchObject({ kind: 'id', keyId: id });
    expect(parseKeyRef(`arn:aws:kms:${region}:111122223333:key/${id}`, region)).toMatchObject({
      kind: 'arn',
      keyId: id,
      account: '111122223333',
    });
    expect(parseKeyRef('alias/app', region)).toMatchObject({ kind: 'alias' });
    expect(parseKeyRef(`arn:aws:kms:${region}:111122223333:alias/app`, region)).toMatchObject({
      kind: 'alias',
      account: '111122223333',
    });
  });
  it.each([
    `arn:aws:kms:us-east-1:111122223333:key/${id}`,
    `arn:aws:kms:${region}:111122223333:key/not-a-key`,
    `arn:aws:kms:us-east-1:111122223333:alias/app`,
    '1234abcd',
    'alias/',
    'key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'cks-1234567890abcdef0',
  ])('key reference %j is refused', (v) => expect(code(() => parseKeyRef(v, region))).toBe(2));
  it('an ARN of another account is refused once the account is known', () => {
    const ref = parseKeyRef(`arn:aws:kms:${region}:999988887777:key/${id}`, region);
    expect(code(() => checkKeyRefAccount(ref, '111122223333'))).toBe(2);
    expect(code(() => checkKeyRefAccount(ref, '999988887777'))).toBe(0);
  });
  it.each([
    [undefined, 30],
    ['7', 7],
    ['30', 30],
  ])('window %s -> %d', (v, n) => expect(parseWindowDays(v)).toBe(n));
  it.each(['0', '6', '31', '-1', 'abc', '7.5', ''])('window %j is refused', (v) =>
    expect(code(() => parseWindowDays(v))).toBe(2),
  );
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['20m', 1_200_000],
  ])('duration %s', (v, ms) => expect(parseDuration(v, '--wait-timeout')).toBe(ms));
  it.each(['', '0s', '30', 'm', '1d', '-5m', '5 m'])('duration %j is refused', (v) =>
    expect(code(() => parseDuration(v, '--wait-timeout'))).toBe(2),
  );
  it.each(['12345678901', '1234567890123', 'abcdefghijkl'])('account %j is refused', (v) =>
    expect(code(() => validateAccountId(v))).toBe(2),
  );
});
