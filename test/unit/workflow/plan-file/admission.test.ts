import { describe, expect, it } from 'vitest';
import { admissionProblems, formatAge, parseMaxAge, principalOf } from '../../../../src/workflow/plan-file/index.js';
import { KscliError } from '../../../../src/errors.js';
import { CREATED, plan } from './fixtures.js';

const H = 3_600_000;
const who = {
  account: '111122223333',
  region: 'us-east-1',
  callerArn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
};
const opts = { maxAgeMs: 72 * H, allowOtherCaller: false };
const at = (hours: number) => new Date(Date.parse(CREATED) + hours * H);

describe('admission: may this plan be applied now, by this caller?', () => {
  it('an unblocked plan, same account, region and principal, within --max-age: yes', () => {
    expect(admissionProblems(plan(), who, at(71), opts)).toEqual([]);
  });
  it('a new session of the same role is the same caller', () => {
    expect(
      admissionProblems(
        plan(),
        { ...who, callerArn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice-1700000000' },
        at(1),
        opts,
      ),
    ).toEqual([]);
    expect(principalOf('arn:aws:sts::111122223333:assumed-role/Admin/s')).toBe('arn:aws:iam::111122223333:role/Admin');
    expect(principalOf('arn:aws:iam::111122223333:user/bob')).toBe('arn:aws:iam::111122223333:user/bob');
  });
  it('older than --max-age: refused with its age', () => {
    const p = admissionProblems(plan(), who, at(73), opts);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/the plan is 3d 1h old \(made 2026-11-30T10:00:00.000Z\), older than --max-age 3d 0h/);
  });
  it('made in the future of this clock (beyond 5 minutes of skew): refused', () => {
    expect(admissionProblems(plan(), who, at(-0.05), opts)).toEqual([]);
    expect(admissionProblems(plan(), who, at(-1), opts)[0]).toMatch(/in the future of this machine's clock/);
  });
  it('another account, another region, another principal: one line each', () => {
    const p = admissionProblems(
      plan(),
      { account: '444455556666', region: 'eu-west-1', callerArn: 'arn:aws:iam::444455556666:user/bob' },
      at(1),
      opts,
    );
    expect(p).toEqual([
      'the plan is for account 111122223333, but the credentials are for account 444455556666',
      'the plan is for region us-east-1, but this run is in region eu-west-1 (pass --region us-east-1)',
      expect.stringMatching(
        /made by arn:aws:sts::111122223333:assumed-role\/Admin\/alice, but you are arn:aws:iam::444455556666:user\/bob: pass --allow-other-caller/,
      ),
    ]);
  });
  it('--allow-other-caller lets another principal apply it', () => {
    expect(
      admissionProblems(plan(), { ...who, callerArn: 'arn:aws:iam::111122223333:role/pipeline' }, at(1), {
        ...opts,
        allowOtherCaller: true,
      }),
    ).toEqual([]);
  });
  it('a blocked plan can never be applied', () => {
    const p = admissionProblems(plan({ blocked: true, blockedReasons: ['x: in-use'] }), who, at(1), opts);
    expect(p[0]).toMatch(
      /the plan is blocked \(1 reason\(s\)\): a blocked plan is written for review only and can never be applied/,
    );
  });
});

describe('--max-age', () => {
  it('accepts hours, minutes, seconds and days', () => {
    expect(parseMaxAge('72h')).toBe(72 * H);
    expect(parseMaxAge('3d')).toBe(72 * H);
    expect(parseMaxAge('1d12h')).toBe(36 * H);
    expect(parseMaxAge('90m')).toBe(1.5 * H);
    expect(parseMaxAge('30s')).toBe(30_000);
  });
  it('refuses anything else as bad input', () => {
    for (const v of ['', 'soon', '0s', '0d', '-1h', '3 days']) expect(() => parseMaxAge(v), v).toThrow(KscliError);
  });
  it('formats ages for the messages', () => {
    expect(formatAge(90_000)).toBe('1m 30s');
    expect(formatAge(5 * H + 60_000)).toBe('5h 1m');
    expect(formatAge(50 * H)).toBe('2d 2h');
  });
});
