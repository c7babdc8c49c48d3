/**
 * The data-at-rest evidence (issue 19): which resources are encrypted under each key, and what the
 * search covered. "Nothing found" and "could not look" never read the same: a resource type that
 * was neither recorded by Config nor read directly is listed as not covered, and a core type in
 * that state makes the key's verdict `unknown` (resource-types.ts).
 */
import type { DataResource } from '../../../aws/data-ports.js';

/** --dependents: where to look (auto: Config where it records the type, direct reads for the rest). */
export type DependentsMode = 'auto' | 'config' | 'direct' | 'off';

/** How a resource was found. */
export type DependentSource = 'config' | 'config-aggregator' | 'direct' | 'service-grant';

export interface FoundResource extends DataResource {
  source: DependentSource;
  /** service-grant: the grant that named it (grants outlive their resources: check it exists) */
  grantId?: string;
}

/**
 * How one resource type was searched:
 * config / config-aggregator / direct  read, the answer is complete for this type
 * not-covered                          not recorded by Config and not read directly (or the read
 *                                      failed): `reason` says why. A core type here is a gap.
 */
export interface TypeCoverage {
  resourceType: string;
  core: boolean;
  by: 'config' | 'config-aggregator' | 'direct' | 'not-covered';
  /** not-covered: why (recorder off, not recorded, access denied, throttled, malformed answer...) */
  reason?: string;
}

/**
 * found      resources were found under the key (status wins over any gap: the data is real)
 * none-found every core type was covered and nothing names the key
 * gap        nothing found, but a core type was not covered: `gaps` names it
 * off        --dependents off: not searched
 */
export type DependentsStatus = 'found' | 'none-found' | 'gap' | 'off';

export interface KeyDependents {
  status: DependentsStatus;
  resources: FoundResource[];
  /** the core types not covered, with why: the gap the verdict names */
  gaps: string[];
  /** service grants that name a resource the covered readers did not find (likely stale) */
  staleGrants: Array<{ grantId: string; resource: string }>;
}

/** What the whole search rested on (the same for every key of the run). */
export interface DependentsRun {
  mode: DependentsMode;
  aggregator?: string;
  region: string;
  coverage: TypeCoverage[];
  /** Config's queries: one per group of resource types, with the pages each took */
  queries: Array<{ expression: string; pages: number; rows: number; aggregator?: string }>;
  /** the direct readers run, and the resources each returned */
  directReads: Array<{
    reader: string;
    resources: number;
    status: 'ok' | 'access-denied' | 'unavailable';
    error?: string;
  }>;
  notes: string[];
}

export interface DependentsResult {
  byKey: Map<string, KeyDependents>;
  run: DependentsRun;
}
