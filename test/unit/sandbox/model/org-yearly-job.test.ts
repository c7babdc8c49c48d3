/**
 * Issue 20: the organization scenario's yearly job (callers.ts yearlyJob, org-scenario.ts
 * ORG_YEARLY_JOB): a role in member account 200000000001 decrypts with a key of the demo's store
 * once, on the job's date. Before that date nothing of it is in the evidence; after it, a Decrypt
 * that succeeds on an Enabled key, or fails with DisabledException on a disabled one (what a trial
 * over that key catches).
 */
import { describe, expect, it } from 'vitest';
import { createSandboxModel, orgScenario, ORG_YEARLY_JOB, type OrgModel } from '../../../../src/sandbox/model/index.js';
import { kms } from './helpers.js';

const START = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function org(): OrgModel {
  return createSandboxModel(orgScenario({ now: new Date(START) }), {
    now: new Date(START),
    wallClock: () => START,
    idSeed: 1,
  });
}

type Ev = {
  eventName: string;
  errorCode?: string;
  userIdentity: { arn: string; accountId: string };
  eventTime: string;
  resources?: Array<{ ARN: string }>;
};
const jobCalls = (m: OrgModel): Ev[] =>
  m
    .home()
    .acc.state.events.map((e) => JSON.parse(e.json) as Ev)
    .filter((e) => (e.userIdentity?.arn ?? '').includes('assumed-role/yearly-archive-restore/'));

describe('the organization scenario’s yearly job', () => {
  it('calls nothing before its date, then decrypts once from the member account (and not again within the year)', () => {
    const m = org();
    m.advance((ORG_YEARLY_JOB.firstRunDays - 1) * DAY);
    expect(jobCalls(m)).toEqual([]);
    m.advance(2 * DAY);
    const calls = jobCalls(m);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ eventName: 'Decrypt', userIdentity: { accountId: '200000000001' } });
    expect(calls[0]!.errorCode).toBeUndefined();
    expect(calls[0]!.resources?.[0]?.ARN).toMatch(new RegExp(`key/${ORG_YEARLY_JOB.keyId}$`));
    expect(Date.parse(calls[0]!.eventTime)).toBe(START + ORG_YEARLY_JOB.firstRunDays * DAY);
    // event history keeps 90 days, so the caller's own record says it ran once in 300 more days
    m.advance(300 * DAY);
    const job = m.home().acc.state.callers?.find((c) => c.roleArn.endsWith('/yearly-archive-restore'));
    expect(job?.calls).toBe(1);
  });

  it('fails with DisabledException when the key is disabled on the job’s date', () => {
    const m = org();
    kms(m.home(), 'DisableKey', { KeyId: ORG_YEARLY_JOB.keyId });
    m.advance((ORG_YEARLY_JOB.firstRunDays + 1) * DAY);
    const calls = jobCalls(m);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.errorCode).toBe('DisabledException');
  });
});
