/** Account sources and the names kscli gives its sessions (issue 11). */
import { describe, expect, it } from 'vitest';
import { operatorOf, parseAccountsFile, roleArnFor, sessionNameFor } from '../../../../src/workflow/estate/accounts.js';
import { parseExternalId, parseOu, parseRegions, parseRoleName } from '../../../../src/input/estate-options.js';
import { KscliError } from '../../../../src/errors.js';

const bad = (fn: () => unknown): KscliError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof KscliError) return e;
    throw e;
  }
  throw new Error('expected bad input');
};

describe('parseAccountsFile', () => {
  it('reads IDs one per line, with comments, blank lines, optional names, and drops repeats', () => {
    const accounts = parseAccountsFile(
      'a.txt',
      '# prod\n111122223333\n\n200000000001, payments\n200000000002 data lake\n111122223333\n',
    );
    expect(accounts).toEqual([
      { id: '111122223333', state: 'ACTIVE' },
      { id: '200000000001', state: 'ACTIVE', name: 'payments' },
      { id: '200000000002', state: 'ACTIVE', name: 'data lake' },
    ]);
  });

  it('reads a CSV by its header (quoted cells too)', () => {
    const accounts = parseAccountsFile(
      'a.csv',
      'Name,Account_ID,Email\n"ops, main",111122223333,a@x\nsec,200000000003,b@x\n',
    );
    expect(accounts).toEqual([
      { id: '111122223333', state: 'ACTIVE', name: 'ops, main' },
      { id: '200000000003', state: 'ACTIVE', name: 'sec' },
    ]);
  });

  it('reads the c7n-org accounts.yml: account_id, name, regions, role (name or ARN), external_id', () => {
    const yml =
      'accounts:\n  - account_id: "200000000001"\n    name: prod\n    regions: [us-east-1, eu-west-1]\n    role: arn:aws:iam::200000000001:role/Audit\n    external_id: xyz-123\n  - account_id: 200000000002\n    name: dev\n';
    expect(parseAccountsFile('accounts.yml', yml)).toEqual([
      {
        id: '200000000001',
        state: 'ACTIVE',
        name: 'prod',
        regions: ['us-east-1', 'eu-west-1'],
        role: 'arn:aws:iam::200000000001:role/Audit',
        externalId: 'xyz-123',
      },
      { id: '200000000002', state: 'ACTIVE', name: 'dev' },
    ]);
  });

  it('names the line and the problem of a bad file', () => {
    expect(bad(() => parseAccountsFile('a.txt', '111122223333\n12345\n')).message).toMatch(
      /line 2: "12345" is not a 12-digit AWS account ID/,
    );
    expect(bad(() => parseAccountsFile('a.csv', 'name,email\nx,y\n')).message).toMatch(/no account ID column/);
    expect(bad(() => parseAccountsFile('a.yml', 'foo: 1\n')).message).toMatch(/top-level "accounts:" list/);
    expect(
      bad(() => parseAccountsFile('a.yml', 'accounts:\n  - account_id: "200000000001"\n    role: [a, b]\n')).message,
    ).toMatch(/role chaining/);
    expect(bad(() => parseAccountsFile('a.txt', '# nothing\n')).message).toMatch(/no account IDs/);
  });
});

describe('roles and session names', () => {
  it('expands a role name to the account role ARN and keeps an ARN', () => {
    expect(roleArnFor('200000000001', 'OrganizationAccountAccessRole')).toBe(
      'arn:aws:iam::200000000001:role/OrganizationAccountAccessRole',
    );
    expect(roleArnFor('200000000001', 'arn:aws:iam::200000000001:role/x/Audit')).toBe(
      'arn:aws:iam::200000000001:role/x/Audit',
    );
  });

  it('the session name says kscli and the operator, within STS rules (2-64 of [\\w+=,.@-])', () => {
    expect(operatorOf('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_1/jane.doe@example.com', 'x')).toBe(
      'jane.doe@example.com',
    );
    expect(operatorOf('arn:aws:iam::111122223333:user/ops/bob', 'x')).toBe('bob');
    expect(operatorOf('arn:aws:iam::111122223333:root', 'local')).toBe('local');
    expect(sessionNameFor('jane doe/ü')).toBe('kscli-jane-doe-');
    const long = sessionNameFor('a'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^kscli-a+$/);
  });
});

describe('estate flags', () => {
  it('parses --regions lists and all, refusing what is not a Region', () => {
    expect(parseRegions(undefined)).toEqual({ mode: 'home' });
    expect(parseRegions('ALL')).toEqual({ mode: 'all' });
    expect(parseRegions('us-east-1, eu-west-1,us-east-1')).toEqual({
      mode: 'list',
      regions: ['us-east-1', 'eu-west-1'],
    });
    expect(bad(() => parseRegions('useast1')).message).toMatch(/"useast1" is not a Region name/);
    expect(bad(() => parseRegions(',')).message).toMatch(/comma-separated/);
  });

  it('checks role names, external IDs and OU IDs', () => {
    expect(parseRoleName(undefined)).toBe('OrganizationAccountAccessRole');
    expect(bad(() => parseRoleName('arn:aws:iam::111122223333:role/x')).message).toMatch(/not an ARN/);
    expect(bad(() => parseExternalId('x')).message).toMatch(/2-1224 characters/);
    expect(parseExternalId('kscli-audit')).toBe('kscli-audit');
    expect(parseOu('ou-k5c1-prod0001')).toBe('ou-k5c1-prod0001');
    expect(parseOu('r-k5c1')).toBe('r-k5c1');
    expect(bad(() => parseOu('ou-x')).message).toMatch(/not an organizational unit ID/);
  });
});
