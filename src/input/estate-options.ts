/**
 * The estate flags shared by `inventory` and the read commands' `--regions` (issue 11), parsed and
 * checked before any AWS call: bad input is exit 2 with the flag named.
 */
import { badInput } from '../errors.js';
import type { RegionSelection } from '../workflow/estate/runner.js';

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';
export const MAX_CONCURRENCY = 512;
/**
 * Account-Regions read at once. Here, not in runner.ts: the flag parsers load at start-up (--help),
 * and importing the runner would load it, the account-file reader and its YAML parser too.
 */
export const DEFAULT_CONCURRENCY = 32;

/** `--regions us-east-1,eu-west-1` or `--regions all`; undefined: the home Region. */
export function parseRegions(value: string | undefined): RegionSelection {
  if (value === undefined) return { mode: 'home' };
  const v = value.trim();
  if (v.toLowerCase() === 'all') return { mode: 'all' };
  const regions = [
    ...new Set(
      v
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
  if (regions.length === 0)
    throw badInput(
      '--regions: give a comma-separated list of Regions, or all',
      'e.g. --regions us-east-1,eu-west-1 or --regions all',
    );
  for (const r of regions) {
    if (!REGION_PATTERN.test(r))
      throw badInput(
        `--regions: "${r}" is not a Region name`,
        'Region names are lower case, e.g. eu-west-1; or --regions all for every Region the account has enabled',
      );
  }
  return { mode: 'list', regions };
}

export function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_CONCURRENCY) {
    throw badInput(
      `--concurrency "${value}" must be a whole number from 1 to ${MAX_CONCURRENCY}`,
      `the default, ${DEFAULT_CONCURRENCY}, suits most organizations`,
    );
  }
  return Number(value);
}

/** An IAM role name (path allowed) or a role ARN. */
export function parseRoleName(value: string | undefined): string {
  if (value === undefined) return DEFAULT_ROLE_NAME;
  if (/^arn:aws[\w-]*:iam::(\d{12}|\{account\}):role\//.test(value))
    throw badInput(
      `--role-name ${value}: give the role's name, not an ARN (it is assumed in every account)`,
      `e.g. --role-name ${DEFAULT_ROLE_NAME}`,
    );
  if (!/^[\w+=,.@/-]{1,512}$/.test(value) || value.length > 64 + 448)
    throw badInput(`--role-name "${value}" is not an IAM role name`, 'role names use letters, digits and +=,.@_-');
  return value;
}

/** sts:ExternalId: 2-1224 characters of [\w+=,.@:/-] (aws-facts-estate-and-scale.md B2). */
export function parseExternalId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 2 || value.length > 1224 || !/^[\w+=,.@:/-]+$/.test(value)) {
    throw badInput(
      '--external-id must be 2-1224 characters of letters, digits and +=,.@:/-',
      'use the external ID the role trust policy names',
    );
  }
  return value;
}

/** An OU (`ou-…-…`) or the root (`r-…`), for --ou. */
export function parseOu(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(value)) {
    throw badInput(
      `--ou ${value} is not an organizational unit ID`,
      'give an ID like ou-ab12-cd34ef56 (or the root, r-ab12); aws organizations list-organizational-units-for-parent lists them',
    );
  }
  return value;
}
