/**
 * Sessions against the real sandbox over HTTP (in-process): credentials are assumed once, again
 * before they expire (kscli's clock says they are within 5 minutes of it), after invalidate(), and
 * every call made with them acts in their account.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SdkEstate, REFRESH_MARGIN_MS, withEstate } from '../../../../src/aws/estate/sdk-estate.js';
import { classify, isExpiredCredentials } from '../../../../src/workflow/estate/gaps.js';
import { AwsCallError, ExitCode, KscliError } from '../../../../src/errors.js';
import { UNIT_CREDENTIALS, useSandbox } from '../../sandbox/in-process.js';

const sandbox = useSandbox('sessions', 'org');

const config = () => ({ region: 'us-east-1', endpointUrl: sandbox.url, credentials: UNIT_CREDENTIALS, maxAttempts: 1 });
/** every estate of a test, closed after it (this worker runs other files next: see 'closing an estate') */
const opened: SdkEstate[] = [];
const estateOf = (now?: () => number): SdkEstate => {
  const e = new SdkEstate(config(), now);
  opened.push(e);
  return e;
};
afterEach(() => {
  for (const e of opened.splice(0)) e.close();
});
const assumes = () => sandbox.sb.requests().filter((r) => r.operation === 'AssumeRole').length;

describe('AccountSession', () => {
  it('assumes once, renews within the refresh margin before expiry, and after invalidate()', async () => {
    let now = Date.now();
    const estate = estateOf(() => now);
    const s = estate.session({
      accountId: '200000000003',
      roleArn: 'arn:aws:iam::200000000003:role/OrganizationAccountAccessRole',
      sessionName: 'kscli-unit',
    });
    const before = assumes();
    await s.ready();
    await s.ready();
    expect(assumes() - before).toBe(1);
    expect((await s.kms('us-west-2').describeStores()).length).toBeGreaterThan(0);
    const log = sandbox.sb.requests();
    expect(log[log.length - 1]).toMatchObject({
      operation: 'DescribeCustomKeyStores',
      account: '200000000003',
      region: 'us-west-2',
    });
    // kscli's clock reaches the last 5 minutes of the hour (measured from now: the session began
    // before this line, so it ends less than an hour from here): assume again before calling
    now = Date.now() + 3_600_000 - REFRESH_MARGIN_MS + 60_000;
    await s.ready();
    expect(assumes() - before).toBe(2);
    s.invalidate();
    await s.ready();
    expect(assumes() - before).toBe(3);
  });

  it('two accounts interleaved on the shared Region client: every call signed as its own account', async () => {
    const estate = estateOf();
    const member = estate.session({
      accountId: '200000000003',
      roleArn: 'arn:aws:iam::200000000003:role/OrganizationAccountAccessRole',
      sessionName: 'kscli-unit',
    });
    const self = estate.session({ accountId: '111122223333' });
    await member.ready();
    const memberStores = (await member.kms('us-west-2').describeStores()).map((x) => x.id).sort();
    const selfStores = (await self.kms('us-west-2').describeStores()).map((x) => x.id).sort();
    expect(memberStores).not.toEqual(selfStores);
    const mark = sandbox.sb.requests().length;
    const runs = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        (i % 2 ? member : self)
          .kms('us-west-2')
          .describeStores()
          .then((r) => ({ i, ids: r.map((x) => x.id).sort() })),
      ),
    );
    for (const r of runs) expect(r.ids).toEqual(r.i % 2 ? memberStores : selfStores);
    const accounts = sandbox.sb
      .requests()
      .slice(mark)
      .filter((q) => q.operation === 'DescribeCustomKeyStores')
      .map((q) => q.account);
    expect(accounts.filter((a) => a === '200000000003')).toHaveLength(12);
    expect(accounts.filter((a) => a === '111122223333')).toHaveLength(12);
  });

  it("the caller's own account uses the current credentials and never assumes a role", async () => {
    const estate = estateOf();
    const before = assumes();
    const s = estate.session({ accountId: '111122223333' });
    await s.ready();
    expect((await s.kms('us-east-1').describeStores()).map((x) => x.id)).toContain('cks-1234567890abcdef0');
    expect(assumes()).toBe(before);
  });

  it('a role that cannot be assumed fails ready() with AccessDenied, classified as assume-role-denied', async () => {
    const estate = estateOf();
    const s = estate.session({
      accountId: '200000000004',
      roleArn: 'arn:aws:iam::200000000004:role/OrganizationAccountAccessRole',
      sessionName: 'kscli-unit',
    });
    const err = await s.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KscliError);
    expect((err as KscliError).exitCode).toBe(ExitCode.Credentials);
    expect(classify(err, { accountId: '200000000004', assuming: true })).toMatchObject({
      kind: 'assume-role-denied',
      errorCode: 'AccessDenied',
    });
  });
});

describe('closing an estate', () => {
  // Node 20 keeps async hooks on for every promise of the process while an AsyncLocalStorage is
  // enabled: an estate that never ended its context taxed whatever the process did next
  it('close() ends the async context of the calls made through it: one under way fails, never borrowing credentials', async () => {
    const estate = new SdkEstate(config());
    const self = estate.session({ accountId: '111122223333' });
    await expect(self.kms('us-west-2').describeStores()).resolves.toBeInstanceOf(Array);
    const underWay = self.kms('us-west-2').describeStores();
    estate.close();
    await expect(underWay).rejects.toThrow(/outside an account context/);
  });

  it('withEstate closes the estate after its function, when it fails too', async () => {
    let underWay: Promise<unknown> | undefined;
    await expect(
      withEstate(config(), async (estate) => {
        underWay = estate.session({ accountId: '111122223333' }).kms('us-west-2').describeStores();
        throw new Error('the command failed');
      }),
    ).rejects.toThrow('the command failed');
    await expect(underWay).rejects.toThrow(/outside an account context/);
  });
});

describe('classify', () => {
  const where = { accountId: '200000000001', region: 'eu-west-1' };
  const sdkError = (name: string) =>
    new KscliError(ExitCode.Credentials, `${name} happened`, undefined, {
      cause: Object.assign(new Error('x'), { name }),
    });
  it('sorts each AWS failure into its kind', () => {
    expect(classify(sdkError('AccessDeniedException'), where).kind).toBe('access-denied');
    expect(classify(sdkError('UnrecognizedClientException'), where).kind).toBe('region-not-enabled');
    expect(classify(sdkError('InvalidClientTokenId'), where).kind).toBe('region-not-enabled');
    expect(classify(sdkError('ExpiredTokenException'), where).kind).toBe('credentials-expired');
    expect(
      classify(
        new KscliError(ExitCode.Failure, 'AWS kept throttling kms:ListKeys in eu-west-1', undefined, {
          cause: Object.assign(new Error('x'), { name: 'ThrottlingException' }),
        }),
        where,
      ).kind,
    ).toBe('throttled');
    expect(
      classify(new KscliError(ExitCode.Failure, 'cannot reach http://x for kms:ListKeys (ECONNREFUSED)'), where).kind,
    ).toBe('unreachable');
    expect(classify(new AwsCallError('ListKeys', 'KMSInternalException', 'boom'), where)).toMatchObject({
      kind: 'error',
      errorCode: 'KMSInternalException',
    });
  });
  it('treats both names of an expired session as expiry (which one AWS sends is UNCONFIRMED)', () => {
    expect(isExpiredCredentials(sdkError('ExpiredToken'))).toBe(true);
    expect(isExpiredCredentials(sdkError('ExpiredTokenException'))).toBe(true);
    expect(isExpiredCredentials(sdkError('AccessDenied'))).toBe(false);
  });
});
