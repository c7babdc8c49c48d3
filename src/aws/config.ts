/**
 * Resolves AwsConfig from the global options and the environment, with the same precedence the
 * AWS CLI and SDK use, and refuses malformed values with one-line BadInput errors naming the fix.
 *
 * - region: --region, AWS_REGION, AWS_DEFAULT_REGION (the CLI's name; the JS SDK ignores it), the
 *   profile's `region` in the shared config file, else us-east-1.
 * - profile: --profile, else AWS_PROFILE (the SDK's credential chain reads it from there).
 * - endpoint: --endpoint-url for every service; else AWS_ENDPOINT_URL_<SERVICE> per service
 *   (the SDK's names: the serviceId upper-cased, spaces as underscores), else AWS_ENDPOINT_URL.
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns the variables off, as in the SDK.
 * - --max-rps Op=N (repeatable, or comma-separated): the most requests per second for Op.
 */
import type { AwsConfig } from './ports.js';
import { badInput, ExitCode, KscliError } from '../errors.js';
import { PACEABLE_OPERATIONS, pacedOperationName } from './quotas.js';
import { AWS_SERVICES, SERVICE_KEYS, type ServiceKey } from './services.js';
import { sdkModule } from './sdk-modules.js';

/** The per-service endpoint variables, as the SDK derives them from each client's serviceId. */
export const SERVICE_ENDPOINT_ENV = Object.fromEntries(
  SERVICE_KEYS.map((service) => [service, `AWS_ENDPOINT_URL_${AWS_SERVICES[service].endpointEnvSuffix}`]),
) as Readonly<Record<ServiceKey, string>>;

export const DEFAULT_REGION = 'us-east-1';

/** The global options this module reads (a subset of cli.ts GlobalOptions). */
export interface AwsOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  maxRps?: string[];
}

export interface ResolveExtras {
  /** --debug sink for one line per AWS call */
  debugLog?: (line: string) => void;
  /** reads `region` of a profile from the shared config file; replaceable in tests */
  profileRegion?: (profile: string, env: NodeJS.ProcessEnv) => Promise<string | undefined>;
  /** whether a named profile exists in the shared files; replaceable in tests */
  profileExists?: (profile: string, env: NodeJS.ProcessEnv) => Promise<boolean>;
}

export async function resolveAwsConfig(
  options: AwsOptions,
  env: NodeJS.ProcessEnv,
  extras: ResolveExtras = {},
): Promise<AwsConfig> {
  const profile = nonEmpty(options.profile) ?? nonEmpty(env.AWS_PROFILE);
  if (profile && !(await (extras.profileExists ?? readProfileExists)(profile, env))) {
    // The SDK would only say "Could not resolve credentials using profile" on the first call;
    // name the profile and where it was looked for, before any AWS call.
    const source = nonEmpty(options.profile) ? '--profile' : 'AWS_PROFILE';
    throw new KscliError(
      ExitCode.Credentials,
      `AWS profile '${profile}' (from ${source}) is not in ${env.AWS_CONFIG_FILE ?? '~/.aws/config'} nor ${env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'}`,
      `create it with "aws configure --profile ${profile}" or "aws configure sso", or name an existing profile (or use --sandbox to rehearse without AWS)`,
    );
  }
  const region = await resolveRegion(options, env, profile, extras.profileRegion ?? readProfileRegion);
  const { endpointUrl, serviceEndpoints } = resolveEndpoints(options, env);
  const maxRps = parseMaxRps(options.maxRps ?? []);
  return {
    region,
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpointUrl } : {}),
    ...(Object.keys(serviceEndpoints).length > 0 ? { serviceEndpoints } : {}),
    ...(Object.keys(maxRps).length > 0 ? { maxRps } : {}),
    ...(extras.debugLog ? { debugLog: extras.debugLog } : {}),
  };
}

async function resolveRegion(
  options: AwsOptions,
  env: NodeJS.ProcessEnv,
  profile: string | undefined,
  profileRegion: NonNullable<ResolveExtras['profileRegion']>,
): Promise<string> {
  const candidates: Array<[string | undefined, string]> = [
    [options.region, '--region'],
    [env.AWS_REGION, 'AWS_REGION'],
    [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
  ];
  for (const [value, source] of candidates) {
    const region = nonEmpty(value);
    if (region) return validRegion(region, source);
  }
  const fromProfile = nonEmpty(await profileRegion(profile ?? 'default', env));
  if (fromProfile) return validRegion(fromProfile, `the region of profile ${profile ?? 'default'}`);
  return DEFAULT_REGION;
}

/** Region codes: us-east-1, eu-central-2, us-gov-west-1, cn-northwest-1, us-isob-east-1 ... */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validRegion(region: string, source: string): string {
  if (REGION_PATTERN.test(region)) return region;
  throw badInput(
    `invalid region '${region}' (from ${source})`,
    'use a region code such as us-east-1 or eu-west-2, in lower case',
  );
}

function resolveEndpoints(
  options: AwsOptions,
  env: NodeJS.ProcessEnv,
): Pick<AwsConfig, 'endpointUrl'> & { serviceEndpoints: NonNullable<AwsConfig['serviceEndpoints']> } {
  const flag = nonEmpty(options.endpointUrl);
  // the flag is the most specific choice the user made: it wins over every variable
  if (flag) return { endpointUrl: validEndpoint(flag, '--endpoint-url'), serviceEndpoints: {} };
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return { serviceEndpoints: {} };
  const serviceEndpoints: NonNullable<AwsConfig['serviceEndpoints']> = {};
  for (const [service, variable] of Object.entries(SERVICE_ENDPOINT_ENV) as Array<[ServiceKey, string]>) {
    const value = nonEmpty(env[variable]);
    if (value) serviceEndpoints[service] = validEndpoint(value, variable);
  }
  const global = nonEmpty(env.AWS_ENDPOINT_URL);
  return { ...(global ? { endpointUrl: validEndpoint(global, 'AWS_ENDPOINT_URL') } : {}), serviceEndpoints };
}

export function validEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return value;
  throw badInput(
    `invalid endpoint '${value}' (from ${source}): not an http(s) URL`,
    'give a full URL such as https://kms.eu-west-1.amazonaws.com or http://127.0.0.1:4566',
  );
}

/** `["DescribeKey=500", "ListKeys=100,LookupEvents=1"]` -> { DescribeKey: 500, ListKeys: 100, LookupEvents: 1 } */
export function parseMaxRps(values: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  const items = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const item of items) {
    const match = /^([A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(item);
    if (!match) {
      throw badInput(
        `invalid --max-rps '${item}': expected Operation=N`,
        'for example --max-rps DescribeKey=500 (N requests per second, more than 0)',
      );
    }
    const operation = pacedOperationName(match[1]!);
    if (!operation) {
      throw badInput(
        `unknown operation '${match[1]}' in --max-rps`,
        `paced operations: ${PACEABLE_OPERATIONS.join(', ')}`,
      );
    }
    const rps = Number(match[2]);
    if (!(rps > 0)) {
      throw badInput(
        `invalid --max-rps '${item}': the rate must be more than 0`,
        `for example --max-rps ${operation}=1`,
      );
    }
    result[operation] = rps;
  }
  return result;
}

/**
 * The profile's region from the shared config file (AWS_CONFIG_FILE or ~/.aws/config), read with
 * the SDK's own loader (about 20 ms to load; only reached when no region is given otherwise).
 */
export async function readProfileRegion(profile: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { loadSharedConfigFiles } = sdkModule('@smithy/core/config');
    const files = await loadSharedConfigFiles({
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    });
    const region = files.configFile?.[profile]?.region;
    return typeof region === 'string' ? region : undefined;
  } catch {
    // an unreadable config file leaves the region to the default; credentials will say more
    return undefined;
  }
}

/** A named profile exists when either shared file (config or credentials) has a section for it. */
export async function readProfileExists(profile: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const { loadSharedConfigFiles } = sdkModule('@smithy/core/config');
    const files = await loadSharedConfigFiles({
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    });
    return Boolean(files.configFile?.[profile] ?? files.credentialsFile?.[profile]);
  } catch {
    // unreadable files: let the SDK's credential chain report what it finds
    return true;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
