/**
 * The AWS SDK packages kscli loads, by the name `sdkModule` takes (sdk-modules.ts).
 *
 * One list for two readers: sdk-modules.ts types each package by it, and the build
 * (scripts/build.mjs) bundles exactly these into dist/aws-sdk.cjs. This file imports nothing, so
 * the build can read it without building src/ first.
 */
export const SDK_PACKAGES = [
  '@aws-sdk/client-account',
  '@aws-sdk/client-backup',
  '@aws-sdk/client-cloudhsm-v2',
  '@aws-sdk/client-cloudtrail',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-config-service',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-organizations',
  '@aws-sdk/client-pricing',
  '@aws-sdk/client-rds',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-ssm',
  '@aws-sdk/client-sts',
  '@smithy/core/config',
  '@smithy/core/protocols',
  '@smithy/node-http-handler',
  '@smithy/signature-v4',
] as const;

export type SdkPackage = (typeof SDK_PACKAGES)[number];
