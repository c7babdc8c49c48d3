/**
 * Loads the AWS SDK's packages with `require`, not `import`; in the build, from dist/aws-sdk/.
 *
 * Why `require`: the SDK v3 clients and the @smithy packages are CommonJS (`dist-cjs`, no "type"
 * in their package.json). Imported from ES modules, Node 20.19+ compiles each entry file once more
 * just to detect its module format, then runs cjs-module-lexer over it to find its named exports,
 * before evaluating it like `require` would.
 *
 * Why a bundle of our own: loading the packages from node_modules was most of what a kscli run
 * spent outside its own work. `kscli stores` loaded 474 CommonJS files (the CloudHSM client the
 * registry serves, 3.332.0, brings a whole older SDK tree of its own), resolving them (stat,
 * realpath, package.json reads) cost more than compiling them, and each client evaluated all of its
 * commands and schemas (EC2: about 700 commands, 80 ms with a warm code cache) for the few kscli
 * sends. The build (scripts/build.mjs) bundles only the names of sdk-packages.ts, one CommonJS file
 * per package under dist/aws-sdk/ with the code they share in chunks beside them; `sdkModule`
 * requires a package's file when a command first asks for it, and every file compiles from the V8
 * code cache (compile-cache.ts). Run from source (unit and in-process tests), there is no bundle:
 * the packages load whole from node_modules, through the same code cache.
 *
 * Types come from `import type` (erased at build), narrowed to the listed names: loading this
 * module loads no SDK code, so services.ts and the adapters still load a client only when a
 * command first calls its service.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { installSdkCompileCache, noteCacheCoverage } from './compile-cache.js';
import { sdkBundleFile, type SdkExport, type SdkPackage } from './sdk-packages.js';
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

/** The SDK packages kscli loads, by package name (a package listed in sdk-packages.ts without a type here does not compile). */
interface SdkModules extends Record<SdkPackage, unknown> {
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

/**
 * The bundle's directory relative to the built module that holds this code, written by the build
 * (scripts/build.mjs checks that module's place); undefined when running from source.
 */
declare const KSCLI_SDK_BUNDLE: string | undefined;

const requireModule = createRequire(import.meta.url);
const BUNDLE_DIR =
  typeof KSCLI_SDK_BUNDLE === 'string' ? fileURLToPath(new URL(KSCLI_SDK_BUNDLE, import.meta.url)) : undefined;

/** What kscli may use of package N: the names sdk-packages.ts lists for it. */
export type SdkModule<N extends SdkPackage> = Pick<SdkModules[N], SdkExport<N> & keyof SdkModules[N]>;

/** The SDK package `name`, loaded once (then from the CommonJS cache). */
export function sdkModule<N extends SdkPackage>(name: N): SdkModule<N> {
  // the first SDK load of a run: from then on the SDK compiles from V8's cache (compile-cache.ts)
  installSdkCompileCache();
  // a run that uses a package its cached files were not written with rewrites them, covering both
  noteCacheCoverage(name);
  return requireModule(BUNDLE_DIR === undefined ? name : `${BUNDLE_DIR}${sdkBundleFile(name)}`) as SdkModule<N>;
}
