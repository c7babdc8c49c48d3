/**
 * The sandbox's KMS management and cryptographic operations (issue 22) driven by clients we did
 * not write: the AWS CLI runs each operation once against `kscli sandbox serve` (the built
 * binary), and botocore checks every raw answer against the KMS service model's output shapes
 * (helpers/botocore-shapes.py). The request log shows each call arrived and was handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readRequestLog } from '../../src/sandbox/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'kscli.js');
const SHAPES = join(import.meta.dirname, 'helpers', 'botocore-shapes.py');
const awsOnPath = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
if (!awsOnPath) console.warn('sandbox-awscli-kms.test.ts skipped: the AWS CLI (`aws`) is not on PATH');

const KEY = '0b7fd7d4-5f2c-4c1e-9a4e-3f0e5d2a9b11';
const KEY_B = '2f9c1e84-7a3b-4d5e-8f6a-1b2c3d4e5f60';
const ROOT_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
  ],
});

let dir: string;
let serve: ChildProcess | undefined;
let url = '';

function awsEnv(region = 'us-east-1'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'AKIDSANDBOXTEST00000',
    AWS_SECRET_ACCESS_KEY: 'sandbox-test-secret',
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** `aws kms <args> --endpoint-url URL --output json`: exit status, parsed stdout, stderr. */
function aws(...args: string[]): { status: number; json: any; stderr: string } {
  const r = spawnSync('aws', ['kms', ...args, '--endpoint-url', url, '--output', 'json'], {
    env: awsEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  let json: any;
  try {
    json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status ?? -1, json, stderr: r.stderr };
}

interface ShapeResult {
  op: string;
  error?: string;
  message?: string;
  problems: string[];
  answer?: any;
}

/** Runs calls through botocore; each answer is checked against its output shape. */
function botocore(calls: Array<{ op: string; params?: Record<string, unknown> }>, region = 'us-east-1'): ShapeResult[] {
  const file = join(dir, `calls-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(calls));
  const r = spawnSync('python3', [SHAPES, url, region, file], {
    env: awsEnv(region),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`botocore-shapes.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ShapeResult[];
}

describe.skipIf(!awsOnPath)('KMS operations through the AWS CLI and botocore against kscli sandbox serve', () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'kscli-awscli-kms-'));
    serve = spawn(process.execPath, [BIN, 'sandbox', 'serve', '--port', '0', '--state', join(dir, 'state.json')], {
      env: { ...process.env, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    serve.stderr!.on('data', (c) => (stderr += c));
    const first = await new Promise<string>((ok, fail) => {
      createInterface({ input: serve!.stdout! }).once('line', ok);
      serve!.once('exit', (code) => fail(new Error(`sandbox serve exited ${code}: ${stderr}`)));
    });
    url = first.slice('listening on '.length);
  });

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((ok) => serve!.once('exit', ok));
      serve.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tags: tag-resource, list-resource-tags, untag-resource, and the reserved prefix refused', () => {
    expect(aws('tag-resource', '--key-id', KEY, '--tags', 'TagKey=team,TagValue=payments').status).toBe(0);
    // the CLI pages through NextMarker itself and prints the items only
    expect(aws('list-resource-tags', '--key-id', KEY).json.Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
    expect(aws('untag-resource', '--key-id', KEY, '--tag-keys', 'team').status).toBe(0);
    expect(aws('list-resource-tags', '--key-id', KEY).json.Tags).toEqual([]);
    const bad = aws('tag-resource', '--key-id', KEY, '--tags', 'TagKey=aws:x,TagValue=y');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('(TagException)');
  });

  it('grants: create-grant with an EBS-style constraint, list-grants, list-retirable-grants, retire-grant, revoke-grant', () => {
    const created = aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/ebs',
      '--retiring-principal',
      'arn:aws:iam::111122223333:role/cleanup',
      '--operations',
      'Decrypt',
      'CreateGrant',
      '--constraints',
      'EncryptionContextSubset={aws:ebs:id=vol-0abc}',
      '--name',
      'ebs-vol-0abc',
    );
    expect(created.status, created.stderr).toBe(0);
    const grantId = created.json.GrantId as string;
    const listed = aws('list-grants', '--key-id', KEY).json.Grants;
    expect(listed).toEqual([
      expect.objectContaining({
        GrantId: grantId,
        Name: 'ebs-vol-0abc',
        Constraints: { EncryptionContextSubset: { 'aws:ebs:id': 'vol-0abc' } },
        RetiringPrincipal: 'arn:aws:iam::111122223333:role/cleanup',
      }),
    ]);
    const retirable = aws('list-retirable-grants', '--retiring-principal', 'arn:aws:iam::111122223333:role/cleanup');
    expect(retirable.json.Grants.map((g: { GrantId: string }) => g.GrantId)).toEqual([grantId]);
    expect(aws('retire-grant', '--grant-token', created.json.GrantToken).status).toBe(0);
    const again = aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/app',
      '--operations',
      'Encrypt',
    );
    expect(aws('revoke-grant', '--key-id', KEY, '--grant-id', again.json.GrantId).status).toBe(0);
    expect(aws('list-grants', '--key-id', KEY).json.Grants).toEqual([]);
    const wrong = aws(
      'create-grant',
      '--key-id',
      KEY,
      '--grantee-principal',
      'arn:aws:iam::111122223333:role/app',
      '--operations',
      'Sign',
    );
    expect(wrong.stderr).toContain('(ValidationException)');
  });

  it('policies, aliases, descriptions: put-key-policy, list-key-policies, update-alias, delete-alias, update-key-description', () => {
    expect(aws('put-key-policy', '--key-id', KEY, '--policy-name', 'default', '--policy', ROOT_POLICY).status).toBe(0);
    expect(aws('get-key-policy', '--key-id', KEY, '--policy-name', 'default').json.Policy).toBe(ROOT_POLICY);
    expect(aws('list-key-policies', '--key-id', KEY).json.PolicyNames).toEqual(['default']);
    const malformed = aws('put-key-policy', '--key-id', KEY, '--policy-name', 'default', '--policy', '{nope');
    expect(malformed.stderr).toContain('(MalformedPolicyDocumentException)');
    expect(aws('create-alias', '--alias-name', 'alias/cli-test', '--target-key-id', KEY).status).toBe(0);
    expect(aws('update-alias', '--alias-name', 'alias/cli-test', '--target-key-id', KEY_B).status).toBe(0);
    expect(aws('describe-key', '--key-id', 'alias/cli-test').json.KeyMetadata.KeyId).toBe(KEY_B);
    expect(aws('delete-alias', '--alias-name', 'alias/cli-test').status).toBe(0);
    expect(aws('describe-key', '--key-id', 'alias/cli-test').stderr).toContain('(NotFoundException)');
    const colon = aws('create-alias', '--alias-name', 'alias/a:b', '--target-key-id', KEY);
    expect(colon.stderr).toContain('alias/a:b contains invalid characters for an alias');
    expect(aws('update-key-description', '--key-id', KEY, '--description', 'from the CLI').status).toBe(0);
    expect(aws('describe-key', '--key-id', KEY).json.KeyMetadata.Description).toBe('from the CLI');
  });

  it('every answer of the management operations matches the service model (botocore)', () => {
    const results = botocore([
      { op: 'TagResource', params: { KeyId: KEY, Tags: [{ TagKey: 'a', TagValue: 'b' }] } },
      { op: 'ListResourceTags', params: { KeyId: KEY } },
      { op: 'UntagResource', params: { KeyId: KEY, TagKeys: ['a'] } },
      {
        op: 'CreateGrant',
        params: {
          KeyId: KEY,
          GranteePrincipal: 'arn:aws:iam::111122223333:role/x',
          RetiringPrincipal: 'arn:aws:iam::111122223333:role/y',
          Operations: ['Decrypt'],
          Constraints: { EncryptionContextEquals: { Department: 'IT' } },
        },
      },
      { op: 'ListGrants', params: { KeyId: KEY } },
      { op: 'ListRetirableGrants', params: { RetiringPrincipal: 'arn:aws:iam::111122223333:role/y' } },
      { op: 'RevokeGrant', params: { KeyId: KEY, GrantId: '$3.GrantId' } },
      { op: 'PutKeyPolicy', params: { KeyId: KEY, PolicyName: 'default', Policy: ROOT_POLICY } },
      { op: 'ListKeyPolicies', params: { KeyId: KEY } },
      { op: 'GetKeyPolicy', params: { KeyId: KEY, PolicyName: 'default' } },
      { op: 'UpdateKeyDescription', params: { KeyId: KEY, Description: 'x' } },
      { op: 'ListAliases', params: {} },
    ]);
    for (const r of results) {
      expect(r.error, `${r.op}: ${r.message}`).toBeUndefined();
      expect(r.problems, r.op).toEqual([]);
    }
    expect(results[4]!.answer.Grants[0].Constraints).toEqual({ EncryptionContextEquals: { Department: 'IT' } });
    const log = readRequestLog(join(dir, 'state.json')).filter((e) => e.operation === 'RevokeGrant');
    expect(log.at(-1)).toMatchObject({ service: 'kms', outcome: 'ok', handled: true, mutating: true });
  });
});
