/**
 * The SDK build (scripts/build.mjs, `buildSdk`) keeps of each client only what kscli's commands
 * reach. EC2 is the client where that matters most: its schema module defines about 3,000 schemas
 * for its ~700 commands, and kscli sends 4. Its schemas name their traits by constants
 * (`{ [_xN]: _ip }`), which esbuild took for possible side effects, keeping every schema, until the
 * build's `sdk-schema-keys` plugin put the constants' strings in their place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkBundleFile, SDK_EXPORTS } from '../../src/aws/sdk-packages.js';
import { assertBuilt, ROOT } from './helpers/index.js';

assertBuilt();

const bundle = (name: keyof typeof SDK_EXPORTS): string =>
  readFileSync(join(ROOT, 'dist', 'aws-sdk', sdkBundleFile(name)), 'utf8');

describe('the SDK build holds only the schemas kscli reaches', () => {
  it("EC2's bundle has the schemas of the commands kscli sends and none of the others", () => {
    const ec2 = bundle('@aws-sdk/client-ec2');
    // (booleans, not toContain: a failure would print the whole bundle)
    for (const used of ['DescribeSnapshotsRequest', 'DescribeVolumesRequest'])
      expect(ec2.includes(`"${used}"`), `${used} is missing`).toBe(true);
    // a command kscli never sends, and a structure only such commands reach
    for (const unused of ['RunInstancesRequest', 'CreateIpamResult'])
      expect(ec2.includes(`"${unused}"`), `${unused} was kept`).toBe(false);
  });

  it('a client whose schemas are shaken is a fraction of its schema module', () => {
    const schemas = readFileSync(
      join(ROOT, 'node_modules', '@aws-sdk', 'client-ec2', 'dist-es', 'schemas', 'schemas_0.js'),
      'utf8',
    );
    const { length } = bundle('@aws-sdk/client-ec2');
    expect(length, `EC2's bundle is ${length} bytes`).toBeLessThan(schemas.length / 10);
  });
});
