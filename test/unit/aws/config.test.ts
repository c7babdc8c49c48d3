import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, parseMaxRps, resolveAwsConfig } from '../../../src/aws/config.js';
import { ExitCode, KscliError } from '../../../src/errors.js';

const noProfileRegion = async () => undefined;

async function badInputOf(p: Promise<unknown>): Promise<KscliError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KscliError);
  expect((error as KscliError).exitCode).toBe(ExitCode.BadInput);
  expect((error as KscliError).message).not.toContain('\n');
  return error as KscliError;
}

describe('region', () => {
  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the profile, then us-east-1', async () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' };
    const profileRegion = async () => 'ap-south-1';
    expect((await resolveAwsConfig({ region: 'us-west-2' }, env, { profileRegion })).region).toBe('us-west-2');
    expect((await resolveAwsConfig({}, env, { profileRegion })).region).toBe('eu-west-1');
    expect((await resolveAwsConfig({}, { AWS_DEFAULT_REGION: 'eu-west-2' }, { profileRegion })).region).toBe(
      'eu-west-2',
    );
    expect((await resolveAwsConfig({}, {}, { profileRegion })).region).toBe('ap-south-1');
    expect((await resolveAwsConfig({}, {}, { profileRegion: noProfileRegion })).region).toBe(DEFAULT_REGION);
  });

  it("reads the profile's region from the shared config file with the SDK's loader", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kscli-aws-config-'));
    const file = join(dir, 'config');
    writeFileSync(file, '[default]\nregion = eu-north-1\n\n[profile ops]\nregion = ca-central-1\n');
    const env = { AWS_CONFIG_FILE: file, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    expect((await resolveAwsConfig({ profile: 'ops' }, env)).region).toBe('ca-central-1');
    expect((await resolveAwsConfig({}, { ...env, AWS_PROFILE: 'ops' })).region).toBe('ca-central-1');
    expect((await resolveAwsConfig({}, env)).region).toBe('eu-north-1');
    expect((await resolveAwsConfig({ profile: 'nocfg' }, env, { profileExists: async () => true })).region).toBe(
      DEFAULT_REGION,
    );
  });

  it('refuses a profile that is in neither shared file, naming it and the fix (exit 4, before any AWS call)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kscli-aws-config-'));
    const file = join(dir, 'config');
    writeFileSync(file, '[profile ops]\nregion = ca-central-1\n');
    const env = { AWS_CONFIG_FILE: file, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    const err = await resolveAwsConfig({ profile: 'nope' }, env).then(
      () => undefined,
      (e: unknown) => e as KscliError,
    );
    expect(err?.exitCode).toBe(ExitCode.Credentials);
    expect(err?.message).toContain("'nope'");
    expect(err?.hint).toContain('aws configure --profile nope');
    const fromEnv = await resolveAwsConfig({}, { ...env, AWS_PROFILE: 'nope' }).catch((e: KscliError) => e);
    expect((fromEnv as KscliError).message).toContain('AWS_PROFILE');
  });

  it('refuses a malformed region, naming where it came from and the fix', async () => {
    const flag = await badInputOf(resolveAwsConfig({ region: 'US-EAST-1' }, {}, { profileRegion: noProfileRegion }));
    expect(flag.message).toContain("'US-EAST-1'");
    expect(flag.message).toContain('--region');
    expect(flag.hint).toContain('us-east-1');
    const env = await badInputOf(resolveAwsConfig({}, { AWS_REGION: 'useast1' }, { profileRegion: noProfileRegion }));
    expect(env.message).toContain('AWS_REGION');
  });

  it('accepts the region shapes AWS uses', async () => {
    for (const region of [
      'us-east-1',
      'eu-central-2',
      'us-gov-west-1',
      'cn-northwest-1',
      'us-isob-east-1',
      'ap-southeast-5',
    ]) {
      expect((await resolveAwsConfig({ region }, {}, { profileRegion: noProfileRegion })).region).toBe(region);
    }
  });
});

describe('profile', () => {
  it('takes --profile over AWS_PROFILE, and omits it when neither is set', async () => {
    const extras = { profileRegion: noProfileRegion, profileExists: async () => true };
    expect((await resolveAwsConfig({ profile: 'a' }, { AWS_PROFILE: 'b' }, extras)).profile).toBe('a');
    expect((await resolveAwsConfig({}, { AWS_PROFILE: 'b' }, extras)).profile).toBe('b');
    expect((await resolveAwsConfig({}, {}, extras)).profile).toBeUndefined();
  });
});

describe('endpoints', () => {
  const extras = { profileRegion: noProfileRegion };
  const env = {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:5000',
    AWS_ENDPOINT_URL_CLOUDHSM_V2: 'http://127.0.0.1:5001',
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:5002',
  };

  it('lets --endpoint-url win over every variable', async () => {
    const config = await resolveAwsConfig({ endpointUrl: 'http://localhost:9999' }, env, extras);
    expect(config.endpointUrl).toBe('http://localhost:9999');
    expect(config.serviceEndpoints).toBeUndefined();
  });

  it('takes AWS_ENDPOINT_URL_<SERVICE> per service (the SDK names) and AWS_ENDPOINT_URL for the rest', async () => {
    const config = await resolveAwsConfig({}, env, extras);
    expect(config.endpointUrl).toBe('http://127.0.0.1:4566');
    expect(config.serviceEndpoints).toEqual({
      kms: 'http://127.0.0.1:5000',
      cloudhsm: 'http://127.0.0.1:5001',
      logs: 'http://127.0.0.1:5002',
    });
  });

  it('ignores the variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', async () => {
    const config = await resolveAwsConfig({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, extras);
    expect(config.endpointUrl).toBeUndefined();
    expect(config.serviceEndpoints).toBeUndefined();
  });

  it('refuses an endpoint that is not an http(s) URL, naming its source', async () => {
    const flag = await badInputOf(resolveAwsConfig({ endpointUrl: 'localhost:4566' }, {}, extras));
    expect(flag.message).toContain('--endpoint-url');
    expect(flag.hint).toContain('http://');
    const variable = await badInputOf(resolveAwsConfig({}, { AWS_ENDPOINT_URL_KMS: 'ftp://x' }, extras));
    expect(variable.message).toContain('AWS_ENDPOINT_URL_KMS');
  });
});

describe('--max-rps', () => {
  it('parses Op=N items, repeated or comma-separated, with canonical operation names', () => {
    expect(parseMaxRps(['DescribeKey=500', 'listkeys=100,LookupEvents=0.5'])).toEqual({
      DescribeKey: 500,
      ListKeys: 100,
      LookupEvents: 0.5,
    });
    expect(parseMaxRps([])).toEqual({});
  });

  it.each([
    ['DescribeKey', 'expected Operation=N'],
    ['DescribeKey=fast', 'expected Operation=N'],
    ['DescribeKey=-5', 'expected Operation=N'],
    ['DescribeKey=0', 'more than 0'],
    ['DescribKey=5', "unknown operation 'DescribKey'"],
  ])('refuses %s with a one-line BadInput', async (value, text) => {
    const error = await badInputOf(resolveAwsConfig({ maxRps: [value] }, {}, { profileRegion: noProfileRegion }));
    expect(error.message).toContain(text);
    expect(error.hint).toBeTruthy();
  });

  it('lands in the config', async () => {
    const config = await resolveAwsConfig({ maxRps: ['GetKeyLastUsage=3'] }, {}, { profileRegion: noProfileRegion });
    expect(config.maxRps).toEqual({ GetKeyLastUsage: 3 });
  });
});
