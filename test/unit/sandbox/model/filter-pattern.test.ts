import { describe, expect, it } from 'vitest';
import { compileFilterPattern, FilterPatternError } from '../../../../src/sandbox/model/logs/filter-pattern.js';

const pendingError = {
  eventSource: 'kms.amazonaws.com',
  eventName: 'Decrypt',
  errorCode: 'KMSInvalidStateException',
  errorMessage: 'arn:aws:kms:us-east-1:111122223333:key/abc is pending deletion.',
  readOnly: true,
  resources: [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/abc', type: 'AWS::KMS::Key' }],
  count: 5,
  nothing: null,
};
const ok = { eventSource: 'kms.amazonaws.com', eventName: 'DescribeKey', readOnly: true, resources: [] };

function matches(pattern: string, event: unknown): boolean {
  return compileFilterPattern(pattern)(event, JSON.stringify(event));
}

describe('filter patterns', () => {
  it.each([
    ['{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}', pendingError, true],
    ['{ $.eventSource = kms* && $.errorMessage = "* is pending deletion."}', ok, false],
    ['{ $.eventSource = "kms.amazonaws.com" }', ok, true],
    ['{ $.eventSource = kms }', ok, false],
    ['{ $.eventSource = *.amazonaws.com }', ok, true],
    ['{ $.eventName != Decrypt }', ok, true],
    ['{ $.eventName != Decrypt }', pendingError, false],
    ['{ $.errorCode != "x" }', ok, false],
    ['{ $.resources[0].ARN = "arn:aws:kms:us-east-1:111122223333:key/abc" }', pendingError, true],
    ['{ $.resources[0].ARN = "arn:aws:kms:us-east-1:111122223333:key/abc" }', ok, false],
    ['{ $.resources[1].ARN = * }', pendingError, false],
    ['{ ($.eventName = Encrypt || $.eventName = Decrypt) && $.readOnly IS TRUE }', pendingError, true],
    ['{ ($.eventName = Encrypt || $.eventName = Decrypt) && $.readOnly IS TRUE }', ok, false],
    ['{ $.eventName = Encrypt || $.eventName = Decrypt && $.errorCode = Nope }', pendingError, false],
    ['{ $.eventName = DescribeKey || $.eventName = Decrypt && $.errorCode = Nope }', ok, true],
    ['{ $.count > 4 }', pendingError, true],
    ['{ $.count >= 6 }', pendingError, false],
    ['{ $.count = 5 }', pendingError, true],
    ['{ $.nothing IS NULL }', pendingError, true],
    ['{ $.errorCode NOT EXISTS }', ok, true],
    ['{ $.errorCode NOT EXISTS }', pendingError, false],
    ['', ok, true],
    ['"pending deletion" Decrypt', pendingError, true],
    ['"pending deletion" Decrypt', ok, false],
  ])('%s', (pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  it.each(['{ $.a = }', '{ $.a = 1', '{ a = 1 }', '{ $.a > x }', '{ $.a = "open }', '{ $.a = 1 } extra'])(
    'rejects %s',
    (pattern) => {
      expect(() => compileFilterPattern(pattern)).toThrow(FilterPatternError);
    },
  );
});
