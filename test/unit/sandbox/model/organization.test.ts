/**
 * The organization sandbox (issue 11): routing by Region and access key, cells made only by
 * changes, STS AssumeRole and its refusals, expiry, Organizations paging and errors,
 * account:ListRegions, disabled and SCP-denied Regions, and the demo kept as it was.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SandboxError, type CallContext, type ServiceName } from '../../../../src/sandbox/contract.js';
import { createSandboxModel, orgScenario, scenario, OrgModel } from '../../../../src/sandbox/model/index.js';

function ctx(
  service: ServiceName,
  operation: string,
  region = 'us-east-1',
  accessKeyId = 'AKIAHOMECALLER000001',
): CallContext {
  return { service, operation, region, accessKeyId, requestId: randomUUID() };
}

function call(m: OrgModel, c: CallContext, input: Record<string, unknown> = {}): any {
  c.accountId = m.accountFor(c);
  try {
    const out = m.handle(c, input);
    m.recordCall(c, input, { output: out });
    return out;
  } catch (e) {
    if (e instanceof SandboxError) m.recordCall(c, input, { error: e });
    throw e;
  }
}

function error(fn: () => unknown): SandboxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SandboxError) return e;
    throw e;
  }
  throw new Error('expected an AWS error');
}

const org = (opts = {}) => createSandboxModel(orgScenario(opts));
const ROLE = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;

function assume(m: OrgModel, account: string, extra: Record<string, unknown> = {}) {
  return call(m, ctx('sts', 'AssumeRole'), { RoleArn: ROLE(account), RoleSessionName: 'kscli-test', ...extra })
    .Credentials;
}

describe('routing and cells', () => {
  it('a session key acts in its account; the Region comes from the credential scope; unknown keys act in the home account', () => {
    const m = org();
    const creds = assume(m, '200000000003');
    expect(m.accountFor(ctx('kms', 'ListKeys', 'us-west-2', creds.AccessKeyId))).toBe('200000000003');
    expect(m.accountFor(ctx('kms', 'ListKeys'))).toBe('111122223333');
    const who = call(m, ctx('sts', 'GetCallerIdentity', 'us-east-1', creds.AccessKeyId));
    expect(who).toMatchObject({
      Account: '200000000003',
      Arn: 'arn:aws:sts::200000000003:assumed-role/OrganizationAccountAccessRole/kscli-test',
    });
    // the demo's stores are the home account's us-east-1, not another Region's
    expect(call(m, ctx('kms', 'DescribeCustomKeyStores')).CustomKeyStores).toHaveLength(3);
    expect(call(m, ctx('kms', 'DescribeCustomKeyStores', 'us-west-2')).CustomKeyStores).toEqual([]);
  });

  it('reads of an empty account-Region store nothing; a change creates the cell and it is saved', () => {
    const m = org({ regions: 8 });
    const creds = assume(m, '200000000003');
    m.takeDirty();
    const before = (m.toJSON() as { cells: unknown[] }).cells.length;
    call(m, ctx('kms', 'ListKeys', 'us-east-2', creds.AccessKeyId));
    expect((m.toJSON() as { cells: unknown[] }).cells.length).toBe(before);
    const key = call(m, ctx('kms', 'CreateKey', 'us-east-2', creds.AccessKeyId), {}).KeyMetadata;
    expect(key.Arn).toMatch(/^arn:aws:kms:us-east-2:200000000003:key\//);
    expect(m.takeDirty()).toBe(true);
    const again = createSandboxModel(JSON.parse(JSON.stringify(m.toJSON())));
    expect(again.cell('200000000003', 'us-east-2')?.acc.keyById.has(key.KeyId)).toBe(true);
  });

  it('the demo stays a version-1 account file in us-east-1; every other Region is its own, empty state', () => {
    const demo = scenario('demo');
    const m = createSandboxModel(demo);
    expect(call(m, ctx('kms', 'DescribeCustomKeyStores')).CustomKeyStores).toHaveLength(3);
    expect(call(m, ctx('kms', 'ListKeys', 'eu-west-1')).Keys).toEqual([]);
    expect(call(m, ctx('kms', 'DescribeCustomKeyStores', 'eu-west-1')).CustomKeyStores).toEqual([]);
    const json = m.toJSON() as { version: number; accountId: string; kind?: string };
    expect(json.kind).toBeUndefined();
    expect(json.accountId).toBe('111122223333');
    // with no organization AssumeRole is refused and Organizations says so
    expect(error(() => assume(m, '200000000003')).code).toBe('AccessDenied');
    expect(error(() => call(m, ctx('organizations', 'ListAccounts'))).code).toBe('AWSOrganizationsNotInUseException');
  });
});

describe('Regions of a lone account (issue 22)', () => {
  it('ARNs, errors and CloudTrail events carry the Region asked; the home Region is unchanged', () => {
    const m = createSandboxModel(scenario('demo'));
    const key = call(m, ctx('kms', 'CreateKey', 'eu-west-1')).KeyMetadata;
    expect(key.Arn).toBe(`arn:aws:kms:eu-west-1:111122223333:key/${key.KeyId}`);
    expect(call(m, ctx('kms', 'ListKeys', 'eu-west-1')).Keys).toEqual([{ KeyId: key.KeyId, KeyArn: key.Arn }]);
    expect(error(() => call(m, ctx('kms', 'DescribeKey', 'us-east-1'), { KeyId: key.KeyId })).message).toBe(
      `Key 'arn:aws:kms:us-east-1:111122223333:key/${key.KeyId}' does not exist`,
    );
    expect(call(m, ctx('kms', 'ListKeys')).Keys.some((k: { KeyId: string }) => k.KeyId === key.KeyId)).toBe(false);
    const events = call(m, ctx('cloudtrail', 'LookupEvents', 'eu-west-1'), {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }],
    }).Events;
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].CloudTrailEvent)).toMatchObject({
      awsRegion: 'eu-west-1',
      resources: [{ ARN: key.Arn }],
    });
    // the file keeps both Regions and reloads them
    const again = createSandboxModel(JSON.parse(JSON.stringify(m.toJSON())));
    expect(call(again, ctx('kms', 'DescribeKey', 'eu-west-1'), { KeyId: key.KeyId }).KeyMetadata.Arn).toBe(key.Arn);
    expect(call(again, ctx('kms', 'DescribeCustomKeyStores')).CustomKeyStores).toHaveLength(3);
  });
});

describe('STS AssumeRole', () => {
  it('refuses a role that does not exist (invited account), a missing or wrong ExternalId, and a non-management caller', () => {
    const m = org();
    const denied = error(() => assume(m, '200000000004'));
    expect(denied).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(denied.message).toMatch(
      /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::200000000004:role\/OrganizationAccountAccessRole/,
    );
    expect(error(() => assume(m, '200000000002')).code).toBe('AccessDenied');
    expect(error(() => assume(m, '200000000002', { ExternalId: 'wrong' })).code).toBe('AccessDenied');
    expect(assume(m, '200000000002', { ExternalId: 'kscli-audit' }).AccessKeyId).toMatch(/^ASIA/);
    expect(error(() => assume(m, '999999999999')).code).toBe('AccessDenied');
    const member = assume(m, '200000000003');
    expect(
      error(() =>
        call(m, ctx('sts', 'AssumeRole', 'us-east-1', member.AccessKeyId), {
          RoleArn: ROLE('200000000001'),
          RoleSessionName: 'chain',
        }),
      ).code,
    ).toBe('AccessDenied');
  });

  it('validates its parameters as STS does', () => {
    const m = org();
    expect(error(() => assume(m, '200000000003', { RoleSessionName: 'x' })).code).toBe('ValidationError');
    expect(error(() => assume(m, '200000000003', { DurationSeconds: 600 })).code).toBe('ValidationError');
    expect(error(() => assume(m, '200000000003', { DurationSeconds: 7200 })).message).toMatch(/MaxSessionDuration/);
    expect(
      error(() => call(m, ctx('sts', 'AssumeRole'), { RoleArn: 'not-an-arn-at-all-really', RoleSessionName: 'ok' }))
        .code,
    ).toBe('ValidationError');
  });

  it('an expired session gets ExpiredTokenException (JSON services) or ExpiredToken (STS); a forgotten sandbox key is unrecognised', () => {
    const m = org();
    const creds = assume(m, '200000000003');
    expect(new Date(creds.Expiration).getTime() - m.now().getTime()).toBeGreaterThan(3_599_000);
    m.advance(3_600_000);
    expect(error(() => call(m, ctx('kms', 'ListKeys', 'us-east-1', creds.AccessKeyId)))).toMatchObject({
      code: 'ExpiredTokenException',
      status: 400,
    });
    expect(error(() => call(m, ctx('sts', 'GetCallerIdentity', 'us-east-1', creds.AccessKeyId))).code).toBe(
      'ExpiredToken',
    );
    expect(error(() => call(m, ctx('kms', 'ListKeys', 'us-east-1', 'ASIASBXNOSUCHSESSION'))).code).toBe(
      'UnrecognizedClientException',
    );
  });
});

describe('Regions', () => {
  it('a Region the account has not enabled: UnrecognizedClientException (STS: InvalidClientTokenId); an SCP-denied one: AccessDeniedException', () => {
    const m = org();
    const one = assume(m, '200000000001');
    expect(error(() => call(m, ctx('kms', 'ListKeys', 'ap-southeast-4', one.AccessKeyId))).code).toBe(
      'UnrecognizedClientException',
    );
    expect(error(() => call(m, ctx('sts', 'GetCallerIdentity', 'ap-southeast-4', one.AccessKeyId))).code).toBe(
      'InvalidClientTokenId',
    );
    expect(error(() => call(m, ctx('kms', 'DescribeCustomKeyStores', 'eu-west-1', one.AccessKeyId))).message).toMatch(
      /explicit deny in a service control policy/,
    );
    expect(error(() => call(m, ctx('cloudhsm', 'DescribeClusters', 'eu-west-1', one.AccessKeyId))).code).toBe(
      'CloudHsmAccessDeniedException',
    );
    // the management account has every Region enabled
    expect(call(m, ctx('kms', 'ListKeys', 'ap-southeast-4')).Keys).toBeDefined();
  });

  it('account:ListRegions: own account, or a member from the management account; members may not name others', () => {
    const m = org();
    const three = assume(m, '200000000003');
    const own = call(m, ctx('account', 'ListRegions', 'us-east-1', three.AccessKeyId)).Regions;
    expect(own).toEqual([
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'us-west-2', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'ap-southeast-4', RegionOptStatus: 'ENABLED' },
    ]);
    expect(call(m, ctx('account', 'ListRegions'), { AccountId: '200000000001' }).Regions[3]).toEqual({
      RegionName: 'ap-southeast-4',
      RegionOptStatus: 'DISABLED',
    });
    expect(
      error(() => call(m, ctx('account', 'ListRegions', 'us-east-1', three.AccessKeyId), { AccountId: '200000000001' }))
        .code,
    ).toBe('AccessDeniedException');
    expect(error(() => call(m, ctx('account', 'ListRegions'), { AccountId: '111122223333' })).code).toBe(
      'ValidationException',
    );
  });
});

describe('Organizations', () => {
  it('ListAccounts pages by at most 20, serves one empty page mid-listing, and lists State with the legacy Status', () => {
    const m = org({ accounts: 75 });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let empty = 0;
    do {
      const page = call(m, ctx('organizations', 'ListAccounts'), token ? { NextToken: token } : {});
      pages++;
      if (page.Accounts.length === 0) empty++;
      expect(page.Accounts.length).toBeLessThanOrEqual(20);
      seen.push(...page.Accounts.map((a: any) => a.Id));
      token = page.NextToken;
    } while (token);
    expect(seen).toHaveLength(75);
    expect(new Set(seen).size).toBe(75);
    expect(empty).toBe(1);
    expect(pages).toBe(5);
    const first = call(m, ctx('organizations', 'ListAccounts'), { MaxResults: 10 }).Accounts;
    expect(first.find((a: any) => a.Id === '200000000005')).toMatchObject({ State: 'SUSPENDED', Status: 'SUSPENDED' });
    expect(first.find((a: any) => a.Id === '200000000009')).toMatchObject({ State: 'CLOSED', Status: 'SUSPENDED' });
    expect(error(() => call(m, ctx('organizations', 'ListAccounts'), { MaxResults: 21 })).code).toBe(
      'InvalidInputException',
    );
    expect(error(() => call(m, ctx('organizations', 'ListAccounts'), { NextToken: '!!' })).code).toBe(
      'InvalidInputException',
    );
  });

  it('members may describe the organization but not list its accounts', () => {
    const m = org();
    const three = assume(m, '200000000003');
    expect(
      call(m, ctx('organizations', 'DescribeOrganization', 'us-east-1', three.AccessKeyId)).Organization
        .MasterAccountId,
    ).toBe('111122223333');
    expect(error(() => call(m, ctx('organizations', 'ListAccounts', 'us-east-1', three.AccessKeyId))).code).toBe(
      'AccessDeniedException',
    );
  });

  it('ListChildren and ListAccountsForParent walk the OU tree; direct children only', () => {
    const m = org({ accounts: 12 });
    const ous = call(m, ctx('organizations', 'ListChildren'), {
      ParentId: 'ou-k5c1-workloads',
      ChildType: 'ORGANIZATIONAL_UNIT',
    }).Children;
    expect(ous.map((c: any) => c.Id)).toEqual(['ou-k5c1-prod0001', 'ou-k5c1-dev00001']);
    expect(call(m, ctx('organizations', 'ListAccountsForParent'), { ParentId: 'ou-k5c1-workloads' }).Accounts).toEqual(
      [],
    );
    expect(
      call(m, ctx('organizations', 'ListAccountsForParent'), { ParentId: 'ou-k5c1-prod0001' }).Accounts.map(
        (a: any) => a.Id,
      ),
    ).toEqual(['200000000001', '200000000005', '200000000009']);
    expect(
      error(() => call(m, ctx('organizations', 'ListAccountsForParent'), { ParentId: 'ou-k5c1-nothere1' })).code,
    ).toBe('ParentNotFoundException');
  });
});

describe('scenario org', () => {
  it('is deterministic for a seed and scales to 1,000 accounts x 17 Regions with few stored cells', () => {
    expect(JSON.stringify(orgScenario({ now: new Date(0) }).cells.map((c) => c.stores.map((s) => s.id)))).toBe(
      JSON.stringify(orgScenario({ now: new Date(0) }).cells.map((c) => c.stores.map((s) => s.id))),
    );
    const big = orgScenario({ accounts: 1000, regions: 17, stores: 50 });
    expect(big.org!.accounts).toHaveLength(1000);
    expect(big.org!.regions).toHaveLength(17);
    // one cell per store at most, the management account's, and the member holding the cross-account volume (issue 19)
    expect(big.cells.length).toBeLessThanOrEqual(52);
    expect(big.cells.reduce((n, c) => n + c.stores.length, 0)).toBe(53);
    // CloudHSM stores only where CloudHSM is offered
    for (const c of big.cells)
      if (c.region === 'ap-southeast-4') expect(c.stores.every((s) => s.type === 'EXTERNAL_KEY_STORE')).toBe(true);
  });
});
