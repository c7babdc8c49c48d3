import { serviceError } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import { isThrottlingError, sanitize, toPortError, type CallSite } from '../../../src/aws/errors.js';
import { AwsCallError, ExitCode, KscliError } from '../../../src/errors.js';

const site: CallSite = {
  service: 'kms',
  operation: 'DescribeKey',
  region: 'eu-west-1',
  endpoint: 'https://kms.eu-west-1.amazonaws.com',
};

function kscli(error: Error): KscliError {
  expect(error).toBeInstanceOf(KscliError);
  expect(error.message).not.toContain('\n');
  return error as KscliError;
}

describe('toPortError', () => {
  it('maps missing credentials to exit 4 with the fix', () => {
    const e = kscli(
      toPortError(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
        site,
      ),
    );
    expect(e.exitCode).toBe(ExitCode.Credentials);
    expect(e.message).toContain('no usable AWS credentials');
    expect(e.message).toContain('kms:DescribeKey');
    expect(e.hint).toContain('AWS_PROFILE');
    expect(e.hint).toContain('aws sso login');
    expect(e.hint).toContain('--sandbox');
  });

  it.each([
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'IncompleteSignature',
    'SignatureDoesNotMatch',
  ])('maps %s to exit 4', (name) => {
    const e = kscli(
      toPortError(serviceError(name, 'The security token included in the request is invalid.', 403), site),
    );
    expect(e.exitCode).toBe(ExitCode.Credentials);
    expect(e.message).toContain('kms:DescribeKey');
    expect(e.hint).toBeTruthy();
  });

  it.each(['AccessDeniedException', 'AccessDenied', 'CloudHsmAccessDeniedException'])(
    'maps %s to exit 4, keeping what AWS says is missing',
    (name) => {
      const message =
        'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: kms:DescribeKey on resource: arn:aws:kms:eu-west-1:111122223333:key/k1';
      const e = kscli(toPortError(serviceError(name, message), site));
      expect(e.exitCode).toBe(ExitCode.Credentials);
      expect(e.message).toContain('access denied for kms:DescribeKey in eu-west-1');
      expect(e.message).toContain('is not authorized to perform: kms:DescribeKey');
      expect(e.hint).toContain('allow kms:DescribeKey');
    },
  );

  it('maps a refused connection to exit 1 naming the endpoint and what to check', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 5 },
    });
    const e = kscli(toPortError(refused, { ...site, endpoint: 'http://127.0.0.1:4566' }));
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.message).toBe('cannot reach http://127.0.0.1:4566 for kms:DescribeKey (ECONNREFUSED) after 5 attempts');
    expect(e.hint).toContain('--endpoint-url');
  });

  it('maps DNS failures to exit 1 and points at the region', () => {
    const e = kscli(
      toPortError(
        Object.assign(new Error('getaddrinfo ENOTFOUND kms.xx-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND' }),
        site,
      ),
    );
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.hint).toContain('--region');
  });

  it('maps timeouts to exit 1', () => {
    const e = kscli(toPortError(Object.assign(new Error('Socket timed out'), { name: 'TimeoutError' }), site));
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.message).toContain('timed out');
  });

  it('maps 5xx left after retries to exit 1 with the request ID', () => {
    const e = kscli(
      toPortError(
        Object.assign(serviceError('KMSInternalException', 'internal', 500, 'rq-5'), {
          $metadata: { httpStatusCode: 500, requestId: 'rq-5', attempts: 5 },
        }),
        site,
      ),
    );
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.message).toContain('KMSInternalException');
    expect(e.message).toContain('after 5 attempts');
    expect(e.hint).toContain('rq-5');
  });

  it('explains throttling that outlasted every retry (it never should) with --max-rps', () => {
    const e = kscli(toPortError(serviceError('ThrottlingException', 'Rate exceeded'), site));
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.hint).toContain('--max-rps DescribeKey=');
  });

  it('passes other service errors to the workflow as AwsCallError', () => {
    const e = toPortError(serviceError('KMSInvalidStateException', 'arn:... is pending deletion.', 400, 'rq-2'), {
      ...site,
      operation: 'DisableKey',
    });
    expect(e).toBeInstanceOf(AwsCallError);
    expect(e).toMatchObject({
      operation: 'DisableKey',
      code: 'KMSInvalidStateException',
      message: 'arn:... is pending deletion.',
      httpStatus: 400,
      requestId: 'rq-2',
    });
  });

  it('reports a reply the SDK could not parse as an unreadable answer, not as a crash', () => {
    const e = kscli(
      toPortError(
        Object.assign(new SyntaxError('Unexpected token <'), {
          $response: { statusCode: 200 },
          $metadata: { httpStatusCode: 200 },
        }),
        site,
      ),
    );
    expect(e.exitCode).toBe(ExitCode.Failure);
    expect(e.message).toContain('unreadable reply from https://kms.eu-west-1.amazonaws.com');
  });

  it('leaves errors that did not come from the SDK alone', () => {
    const bug = new TypeError('x is undefined');
    expect(toPortError(bug, site)).toBe(bug);
  });

  it('never lets a secret through', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampletokenvalue1234567890';
    for (const name of ['AccessDeniedException', 'SomeOtherException', 'KMSInternalException']) {
      const e = toPortError(
        serviceError(
          name,
          `bad signature for ${secret} with token ${token}`,
          name === 'KMSInternalException' ? 500 : 400,
        ),
        site,
      );
      expect(e.message).not.toContain(secret);
      expect(e.message).not.toContain(token);
      expect(e.message).toContain('[redacted]');
    }
  });
});

describe('sanitize', () => {
  it('makes one bounded line', () => {
    expect(sanitize('a\n  b\tc')).toBe('a b c');
    expect(sanitize('x'.repeat(39) + ' ' + 'y'.repeat(1000)).length).toBeLessThanOrEqual(400);
  });

  it('keeps ARNs and principals readable', () => {
    const message = 'User: arn:aws:sts::111122223333:assumed-role/Admin/session is not authorized';
    expect(sanitize(message)).toBe(message);
  });

  it('keeps role paths, in an ARN or alone (issue 17: they were redacted as secrets)', () => {
    const arn = 'arn:aws:iam::111122223333:role/application/production/team/KeyAdministratorRole2024';
    const message = `User: ${arn} is not authorized to perform: kms:DescribeKey`;
    expect(sanitize(message)).toBe(message);
    const path = 'the role path /application/production/platform/KeyAdministrators/ is not allowed';
    expect(sanitize(path)).toBe(path);
  });

  it('still redacts a secret key and a session token, beside an ARN too', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'IQoJb3JpZ2luX2VjE' + 'Ab1+'.repeat(60);
    const message = `bad ${secret} for arn:aws:iam::111122223333:role/a/b/c token ${token}`;
    const clean = sanitize(message);
    expect(clean).not.toContain(secret);
    expect(clean).not.toContain(token.slice(0, 40));
    expect(clean).toContain('arn:aws:iam::111122223333:role/a/b/c');
    expect(clean.match(/\[redacted\]/g)).toHaveLength(2);
  });
});

describe('isThrottlingError', () => {
  it('knows the throttling names and HTTP 429, but not resource quotas', () => {
    expect(isThrottlingError(serviceError('ThrottlingException', 'slow down'))).toBe(true);
    expect(isThrottlingError(serviceError('TooManyRequestsException', 'slow down'))).toBe(true);
    expect(isThrottlingError(serviceError('Whatever', 'slow down', 429))).toBe(true);
    expect(isThrottlingError(serviceError('LimitExceededException', 'too many keys'))).toBe(false);
    expect(isThrottlingError(serviceError('KMSInvalidStateException', 'x'))).toBe(false);
  });
});
