/**
 * The sandbox's partition table (src/sandbox/model/org/partition.ts) against what its header says
 * of the `aws` partition: 34 Regions, 17 enabled by default and 17 opt-in, none in both; every
 * Region a scenario takes is one of them, each once; the Regions without CloudHSM are opt-in.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REGIONS,
  isOptInRegion,
  NO_CLOUDHSM_REGIONS,
  OPT_IN_REGIONS,
  SCENARIO_REGION_ORDER,
} from '../../../../../src/sandbox/model/org/partition.js';

describe('the partition table', () => {
  it('34 Regions: 17 enabled by default, 17 opt-in, disjoint', () => {
    expect(DEFAULT_REGIONS).toHaveLength(17);
    expect(OPT_IN_REGIONS).toHaveLength(17);
    expect(new Set([...DEFAULT_REGIONS, ...OPT_IN_REGIONS]).size).toBe(34);
    for (const r of DEFAULT_REGIONS) expect(isOptInRegion(r), r).toBe(false);
    for (const r of OPT_IN_REGIONS) expect(isOptInRegion(r), r).toBe(true);
  });

  it('a scenario takes every Region of the partition, each once, and only those', () => {
    expect(new Set(SCENARIO_REGION_ORDER).size).toBe(SCENARIO_REGION_ORDER.length);
    expect([...SCENARIO_REGION_ORDER].sort()).toEqual([...DEFAULT_REGIONS, ...OPT_IN_REGIONS].sort());
  });

  it('the Regions without a CloudHSM endpoint are opt-in ones', () => {
    for (const r of NO_CLOUDHSM_REGIONS) expect(isOptInRegion(r), r).toBe(true);
  });
});
