/**
 * Loads the AWS SDK's packages with `require`, not `import`.
 *
 * Why: the SDK v3 clients and the @smithy packages are CommonJS (`dist-cjs`, no "type" in their
 * package.json). Imported from ES modules, Node 20.19+ compiles each entry file once more just to
 * detect its module format, then runs cjs-module-lexer over it to find its named exports, before
 * evaluating it like `require` would; the client entry files are large (EC2's is megabytes). For
 * the eight clients a `usage` run loads, `import` cost 0.65-1.0 s and `require` 0.48-0.56 s on our
 * 2-core machines: every command that calls AWS paid the difference at start-up. The modules are
 * the same objects either way (one CommonJS cache), so `instanceof`, aws-sdk-client-mock and the
 * lazy-loading checks (test/e2e/lazy-sdk.test.ts traces `require` too) see no difference.
 *
 * The files loaded this way compile from a V8 code cache (compile-cache.ts).
 *
 * Types come from `import type` (erased at build): loading this module loads no SDK code, so
 * services.ts and the adapters still load a client only when a command first calls its service.
 */
import { createRequire } from 'node:module';
import { installSdkCompileCache } from './compile-cache.js';
import type * as Account from '@aws-sdk/client-account';
import type * as Backup from '@aws-sdk/client-backup';
import type * as CloudHsmV2 from '@aws-sdk/client-cloudhsm-v2';
import type * as CloudTrail from '@aws-sdk/client-cloudtrail';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type * as CloudWatchLogs from '@aws-sdk/client-cloudwatch-logs';
import type * as ConfigService from '@aws-sdk/client-config-service';
import type * as DynamoDb from '@aws-sdk/client-dynamodb';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Kms from '@aws-sdk/client-kms';
import type * as Organizations from '@aws-sdk/client-organizations';
import type * as Pricing from '@aws-sdk/client-pricing';
import type * as Rds from '@aws-sdk/client-rds';
import type * as S3 from '@aws-sdk/client-s3';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';
import type * as Sns from '@aws-sdk/client-sns';
import type * as Ssm from '@aws-sdk/client-ssm';
import type * as Sts from '@aws-sdk/client-sts';
import type * as SmithyConfig from '@smithy/core/config';
import type * as SmithyProtocols from '@smithy/core/protocols';
import type * as NodeHttpHandler from '@smithy/node-http-handler';
import type * as SignatureV4 from '@smithy/signature-v4';

/** The SDK packages kscli loads, by package name. */
interface SdkModules {
  '@aws-sdk/client-account': typeof Account;
  '@aws-sdk/client-backup': typeof Backup;
  '@aws-sdk/client-cloudhsm-v2': typeof CloudHsmV2;
  '@aws-sdk/client-cloudtrail': typeof CloudTrail;
  '@aws-sdk/client-cloudwatch': typeof CloudWatch;
  '@aws-sdk/client-cloudwatch-logs': typeof CloudWatchLogs;
  '@aws-sdk/client-config-service': typeof ConfigService;
  '@aws-sdk/client-dynamodb': typeof DynamoDb;
  '@aws-sdk/client-ec2': typeof Ec2;
  '@aws-sdk/client-kms': typeof Kms;
  '@aws-sdk/client-organizations': typeof Organizations;
  '@aws-sdk/client-pricing': typeof Pricing;
  '@aws-sdk/client-rds': typeof Rds;
  '@aws-sdk/client-s3': typeof S3;
  '@aws-sdk/client-secrets-manager': typeof SecretsManager;
  '@aws-sdk/client-sns': typeof Sns;
  '@aws-sdk/client-ssm': typeof Ssm;
  '@aws-sdk/client-sts': typeof Sts;
  '@smithy/core/config': typeof SmithyConfig;
  '@smithy/core/protocols': typeof SmithyProtocols;
  '@smithy/node-http-handler': typeof NodeHttpHandler;
  '@smithy/signature-v4': typeof SignatureV4;
}

const requireModule = createRequire(import.meta.url);

/** The SDK package `name`, loaded (once; then from the CommonJS cache) with `require`. */
export function sdkModule<N extends keyof SdkModules>(name: N): SdkModules[N] {
  // the first SDK load of a run: from then on its files compile from V8's cache (compile-cache.ts)
  installSdkCompileCache();
  return requireModule(name) as SdkModules[N];
}
