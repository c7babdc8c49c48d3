/** The backups and orphans reports: their own commands' documents, and delete-store's extras. */
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, IsoDate, IsoDateOrNull, StoreJson } from './common.js';

/** src/ui/render/reports.ts backupsJson */
export const BackupsReport = {
  clusterIds: Type.Array(Type.String()),
  since: IsoDate,
  sinceSource: Type.Union([Type.Literal('journal'), Type.Literal('keys'), Type.Literal('store-creation')]),
  backups: Type.Array(
    Type.Object(
      {
        backupId: Type.String(),
        region: Type.String({ description: "the backup's Region (a cross-Region copy: the Region it was copied to)" }),
        clusterId: Type.Union([Type.String(), Type.Null()]),
        sourceBackup: Type.Optional(Type.String({ description: 'a cross-Region copy: the backup it was copied from' })),
        sourceRegion: Type.Optional(Type.String({ description: 'a cross-Region copy: the Region it was copied from' })),
        state: Type.String({ description: 'CREATE_IN_PROGRESS, READY, DELETED or PENDING_DELETION' }),
        createTimestamp: IsoDateOrNull,
        deleteTimestamp: IsoDateOrNull,
        neverExpires: Type.Boolean(),
        mayHoldKeyMaterial: Type.Boolean(),
        reason: Type.String(),
      },
      { additionalProperties: false },
    ),
  ),
  warnings: Type.Array(Type.String()),
  copyRegions: Type.Optional(
    Type.Array(Type.String(), { description: 'the other Regions searched for cross-Region copies (by SourceBackup)' }),
  ),
};
export const BackupsReportJson = Type.Object(BackupsReport, { additionalProperties: false });
export type BackupsReportJson = Static<typeof BackupsReportJson>;

/** A store that no longer exists: when it was deleted and what says so (workflow/deleted-store.ts). */
export const StoreDeletedJson = Type.Object(
  {
    deletedOn: IsoDateOrNull,
    source: Type.Union([Type.Literal('journal'), Type.Literal('cloudtrail'), Type.Literal('cluster-flag')]),
  },
  { additionalProperties: false },
);

/** src/ui/render/reports.ts orphansJson */
export const OrphansReport = {
  orphans: Type.Array(
    Type.Object(
      {
        keyArn: Type.String(),
        clusterId: Type.Optional(Type.String()),
        keyHandles: Type.Array(Type.String()),
        backingKeyIds: Type.Array(Type.String()),
        eventTime: Type.String(),
        eventId: Type.String(),
      },
      { additionalProperties: false },
    ),
  ),
  cleanupSteps: Type.Array(Type.String()),
};
export const OrphansReportJson = Type.Object(OrphansReport, { additionalProperties: false });
export type OrphansReportJson = Static<typeof OrphansReportJson>;

export const BackupsDocument = documentSchema(
  'backups',
  "The CloudHSM backups of the store's cluster(s) that may hold its key material (without --delete; with --delete: the plan document).",
  {
    store: StoreJson,
    // a store that is not CloudHSM-backed: empty lists, no since, and a warning saying so
    clusterIds: BackupsReport.clusterIds,
    since: Type.Optional(BackupsReport.since),
    sinceSource: Type.Optional(BackupsReport.sinceSource),
    backups: BackupsReport.backups,
    warnings: BackupsReport.warnings,
    copyRegions: BackupsReport.copyRegions,
    storeDeleted: Type.Optional(StoreDeletedJson),
  },
);
export type BackupsDocument = Static<typeof BackupsDocument>;

export const OrphansDocument = documentSchema(
  'orphans',
  'Key material left in the cluster by deleted keys of the store (CloudTrail DeleteKey events).',
  {
    store: StoreJson,
    ...OrphansReport,
    storeDeleted: Type.Optional(StoreDeletedJson),
  },
);
export type OrphansDocument = Static<typeof OrphansDocument>;
