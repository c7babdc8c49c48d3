/**
 * A multi-account run replays from its seed (issue 17): the organization model's clock is the one
 * it is given (never Date.now) and AssumeRole's keys, secrets and tokens come from the seeded ids,
 * so the same seed and the same calls give the same answers, call for call.
 */
import { describe, expect, it } from 'vitest';
import { SandboxError, type CallContext, type ServiceName } from '../../../../src/sandbox/contract.js';
import { createSandboxModel, orgScenario, type OrgModel } from '../../../../src/sandbox/model/index.js';

const START = Date.parse('2026-11-23T10:00:00Z');

function model(seed: number): OrgModel {
  return createSandboxModel(orgScenario({ now: new Date(START) }), {
    now: new Date(START),
    wallClock: () => START,
    idSeed: seed,
  });
}

/** What an inventory --org does, in order: the organization, then each account through its role. */
function run(m: OrgModel): unknown[] {
  const log: unknown[] = [];
  let n = 0;
  const call = (service: ServiceName, operation: string, input: Record<string, unknown>, key?: string) => {
    const ctx: CallContext = {
      service,
      operation,
      region: 'us-east-1',
      accessKeyId: key ?? 'AKIAHOMECALLER000001',
      requestId: `req-${++n}`,
    };
    ctx.accountId = m.accountFor(ctx);
    try {
      const output = m.handle(ctx, input);
      m.recordCall(ctx, input, { output });
      log.push({ operation, account: ctx.accountId, input, output });
      return output as Record<string, never>;
    } catch (e) {
      // a refusal is part of the run too (an invited account has no OrganizationAccountAccessRole)
      if (!(e instanceof SandboxError)) throw e;
      m.recordCall(ctx, input, { error: e });
      log.push({ operation, account: ctx.accountId, input, error: `${e.code}: ${e.message}` });
      return undefined;
    }
  };
  const accounts = call('organizations', 'ListAccounts', { MaxResults: 20 }) as
    { Accounts: Array<{ Id: string }> } | undefined;
  for (const a of accounts!.Accounts.slice(0, 6)) {
    if (a.Id === '111122223333') continue;
    const out = call('sts', 'AssumeRole', {
      RoleArn: `arn:aws:iam::${a.Id}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'kscli',
    }) as { Credentials: { AccessKeyId: string } } | undefined;
    if (!out) continue;
    call('account', 'ListRegions', { MaxResults: 50 }, out.Credentials.AccessKeyId);
    call('kms', 'DescribeCustomKeyStores', {}, out.Credentials.AccessKeyId);
  }
  return JSON.parse(JSON.stringify(log));
}

describe('the organization sandbox replays from its seed', () => {
  it('same seed, same calls: the same answers, AssumeRole credentials and times included', () => {
    const first = run(model(7));
    const second = run(model(7));
    expect(first.filter((e) => (e as { operation: string }).operation === 'ListRegions').length).toBeGreaterThan(1);
    expect(second).toEqual(first);
  });

  it("the seed matters (AssumeRole's credentials are drawn from it), and the clock is the one given", () => {
    const creds = (log: unknown[]) =>
      log.filter((e) => (e as { operation: string }).operation === 'AssumeRole').map((e) => JSON.stringify(e));
    expect(creds(run(model(8)))).not.toEqual(creds(run(model(7))));
    expect(model(7).now().getTime()).toBe(START);
  });
});
