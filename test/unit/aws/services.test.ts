import { TEST_CREDENTIALS } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import { AWS_SERVICES, SERVICE_KEYS } from '../../../src/aws/services.js';
import { createAwsPorts } from '../../../src/aws/index.js';
import { SERVICE_ENDPOINT_ENV } from '../../../src/aws/config.js';
import { OPERATION_QUOTAS } from '../../../src/aws/quotas.js';
import type { AwsConfig } from '../../../src/aws/ports.js';

describe('the service table derives every per-service list', () => {
  it('gives each service a port accessor, an endpoint variable and the quotas it paces', () => {
    const ports = createAwsPorts({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
    expect(
      Object.keys(ports)
        .filter((k) => k !== 'region')
        .sort(),
    ).toEqual([...SERVICE_KEYS].sort());
    expect(SERVICE_ENDPOINT_ENV).toEqual({
      kms: 'AWS_ENDPOINT_URL_KMS',
      sts: 'AWS_ENDPOINT_URL_STS',
      cloudtrail: 'AWS_ENDPOINT_URL_CLOUDTRAIL',
      logs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
      cloudwatch: 'AWS_ENDPOINT_URL_CLOUDWATCH',
      sns: 'AWS_ENDPOINT_URL_SNS',
      cloudhsm: 'AWS_ENDPOINT_URL_CLOUDHSM_V2',
      organizations: 'AWS_ENDPOINT_URL_ORGANIZATIONS',
      account: 'AWS_ENDPOINT_URL_ACCOUNT',
      // issue 19: the services that hold data at rest
      config: 'AWS_ENDPOINT_URL_CONFIG_SERVICE',
      s3: 'AWS_ENDPOINT_URL_S3',
      ec2: 'AWS_ENDPOINT_URL_EC2',
      rds: 'AWS_ENDPOINT_URL_RDS',
      dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
      backup: 'AWS_ENDPOINT_URL_BACKUP',
      secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
      ssm: 'AWS_ENDPOINT_URL_SSM',
      pricing: 'AWS_ENDPOINT_URL_PRICING',
    });
    for (const entry of Object.values(AWS_SERVICES) as Array<{ quotas?: Record<string, number> }>) {
      expect(OPERATION_QUOTAS).toMatchObject(entry.quotas ?? {});
    }
    expect(OPERATION_QUOTAS.LookupEvents).toBe(2);
  });

  it("each port forwards exactly its entry's methods", () => {
    const ports = createAwsPorts({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
    for (const service of SERVICE_KEYS) {
      expect(Object.keys(ports[service]()).sort(), service).toEqual(Object.keys(AWS_SERVICES[service].methods).sort());
    }
  });
});

describe('createAwsPorts prepare hook (the --sandbox start)', () => {
  it('runs once, on the first call of any port, never when ports are only taken', async () => {
    const seen: AwsConfig[] = [];
    const ports = createAwsPorts(
      { region: 'eu-west-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 },
      {
        prepare: async (config) => {
          seen.push(config);
          // an unroutable endpoint: the calls fail fast, what matters is that they were prepared
          return { ...config, endpointUrl: 'http://127.0.0.1:9' };
        },
      },
    );
    ports.kms();
    ports.sts();
    expect(seen).toHaveLength(0);
    await expect(ports.sts().getCallerIdentity()).rejects.toThrow(/127\.0\.0\.1:9/);
    await expect(ports.kms().describeStores()).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('tries again after a failed prepare', async () => {
    let calls = 0;
    const ports = createAwsPorts(
      { region: 'eu-west-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 },
      {
        prepare: async (config) => {
          calls += 1;
          if (calls === 1) throw new Error('sandbox did not start');
          return { ...config, endpointUrl: 'http://127.0.0.1:9' };
        },
      },
    );
    await expect(ports.sts().getCallerIdentity()).rejects.toThrow('sandbox did not start');
    await expect(ports.sts().getCallerIdentity()).rejects.toThrow(/127\.0\.0\.1:9/);
    expect(calls).toBe(2);
  });
});
