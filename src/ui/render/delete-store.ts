/**
 * What delete-store adds to the mutating-command output once a CloudHSM store is deleted: the
 * backups that may still hold its key material and the key material left in the cluster (as
 * `kscli backups` and `kscli orphans` show them).
 */
import type { DeleteStoreCleanup } from '../../workflow/results.js';
import type { PlanOutcomeExtras } from './plan-outcome.js';
import type { Static } from '@sinclair/typebox';
import type { LeftoverJson } from '../../schemas/leftover.js';
import { leftoverLines, type StoreLeftover } from '../../workflow/cost/leftovers.js';
import { backupsJson, orphansJson, renderBackups, renderOrphans } from './reports.js';

export const deleteStoreExtras: PlanOutcomeExtras<DeleteStoreCleanup> = {
  json: (c) => ({
    ...(c.backups ? { backups: backupsJson(c.backups) } : {}),
    ...(c.orphans ? { orphans: orphansJson(c.orphans, c.orphanSteps ?? []) } : {}),
    ...(c.leftover ? { leftover: leftoverJson(c.leftover) } : {}),
  }),
  lines: (c, style, layout) => [
    ...(c.backups ? [renderBackups(style, c.backups, layout).trimEnd()] : []),
    ...(c.orphans ? [renderOrphans(style, c.storeId, c.orphans, c.orphanSteps ?? [], layout).trimEnd()] : []),
    ...(c.leftover ? leftoverLines(c.leftover, c.priceLine).map((l, i) => (i === 0 ? style.warn(l) : l)) : []),
  ],
};

/** The JSON of a leftover (schemas/leftover.ts). */
export function leftoverJson(l: StoreLeftover): Static<typeof LeftoverJson> {
  if (l.kind === 'external-key-store') return l;
  const { cost, ...rest } = l;
  return {
    ...rest,
    ...(cost
      ? {
          cost: {
            hsmCount: cost.hsmCount,
            usdPerHour: cost.usdPerHour,
            monthlyUsd: cost.monthlyUsd,
            priceSource: cost.source,
            ...(cost.date ? { priceDate: cost.date } : {}),
          },
        }
      : {}),
  };
}
