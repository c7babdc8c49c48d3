/**
 * Which resource types the account's Config recorder records (aws-facts-data-at-rest A,
 * "Coverage"): advanced query never returns a resource that is not recorded, so a type the
 * recorder skips must be read another way or reported as not covered, never as "none".
 *
 * A type is recorded when a recorder that is recording (and whose last delivery did not fail)
 * includes it: allSupported, or listed in resourceTypes, or (EXCLUSION_BY_RESOURCE_TYPES) not
 * excluded. Service-linked recorders (ListConfigurationRecorders) record for one AWS service's
 * own purposes and are not relied on.
 */
import type { ConfigRecorderInfo, ConfigRecorderStatus } from '../../../aws/data-ports.js';

export interface RecorderCoverage {
  /** undefined when recorded, else why not */
  notRecorded(type: string): string | undefined;
}

export function recorderCoverage(
  recorders: ConfigRecorderInfo[],
  statuses: ConfigRecorderStatus[],
  region: string,
): RecorderCoverage {
  if (recorders.length === 0) {
    return { notRecorded: () => `no AWS Config recorder in ${region}` };
  }
  const problems: string[] = [];
  const live: ConfigRecorderInfo[] = [];
  for (const r of recorders) {
    const st = statuses.find((s) => s.name === r.name);
    if (!st || !st.recording) problems.push(`the Config recorder ${r.name} is not recording`);
    else if ((st.lastStatus ?? '').toUpperCase() === 'FAILURE')
      problems.push(`the Config recorder ${r.name}'s last recording failed (${st.lastErrorCode ?? 'no error code'})`);
    else live.push(r);
  }
  return {
    notRecorded(type) {
      for (const r of live) {
        const exclusion = r.useOnly === 'EXCLUSION_BY_RESOURCE_TYPES';
        if (exclusion ? !r.excludedResourceTypes.includes(type) : r.allSupported || r.resourceTypes.includes(type))
          return undefined;
      }
      if (live.length === 0) return problems.join('; ');
      return `${type} is not recorded by the Config recorder${live.length > 1 ? 's' : ''} ${live.map((r) => r.name).join(', ')}`;
    },
  };
}
