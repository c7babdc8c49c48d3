/** `kscli inventory --output json`: every custom key store of an estate (accounts x Regions). */
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, IsoDate, StoreType } from './common.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

/** workflow/estate/gaps.ts GapKind: something that may hide key stores was not read */
const GapKind = Type.Union(
  (
    [
      'assume-role-denied',
      'access-denied',
      'credentials-expired',
      'region-not-enabled',
      'regions-unknown',
      'throttled',
      'unreachable',
      'error',
    ] as const
  ).map((k) => Type.Literal(k)),
);
/** workflow/estate/gaps.ts SkipKind: nothing there is readable by design */
const SkipKind = Type.Union(
  (['account-not-active', 'region-not-enabled', 'service-not-offered'] as const).map((k) => Type.Literal(k)),
);

const InventoryStore = Type.Object(
  {
    accountId: Type.String(),
    accountName: NullableString,
    region: Type.String(),
    storeId: Type.String({ pattern: '^cks-[0-9a-f]{17}$' }),
    name: Type.String(),
    type: StoreType,
    connectionState: Type.String({ description: 'CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED' }),
    connectionErrorCode: Type.Optional(Type.String()),
    clusterId: NullableString,
    creationDate: IsoDate,
    /** CloudHSM stores: the cluster; null for external key stores, a cluster not found or not read */
    cluster: Type.Union([
      Type.Object({ state: Type.String(), hsmCount: Count, activeHsmCount: Count }, { additionalProperties: false }),
      Type.Null(),
    ]),
    /** why the cluster could not be read */
    clusterError: Type.Optional(Type.String()),
    keyCount: Count,
    /** keys per key state, e.g. {"Enabled": 2} */
    keyCounts: Type.Record(Type.String(), Count),
    /** keys disabled for a kscli trial (tagged kscli:trial-*, Disabled or Unavailable); null: some tags could not be read */
    keysInTrial: Type.Union([Count, Type.Null()]),
    keysInTrialError: Type.Optional(Type.String()),
    /** with --usage: verdict counts (null when not established, see usageError) */
    usage: Type.Optional(
      Type.Union([
        Type.Object(
          { inUse: Count, unused: Count, unknown: Count, protectsData: Type.Optional(Count) },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
    usageError: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const InventoryDocument = documentSchema(
  'inventory',
  'Every custom key store of the accounts and Regions asked for, with what could not be read (gaps) and what was skipped.',
  {
    /** false when there is at least one gap (exit code 6) */
    complete: Type.Boolean(),
    accountSource: Type.Union([Type.Literal('caller'), Type.Literal('file'), Type.Literal('org')]),
    regions: Type.Union([Type.Literal('home'), Type.Literal('all'), Type.Array(Type.String())]),
    summary: Type.Object(
      {
        accounts: Count,
        accountsWithStores: Count,
        accountRegionsRead: Count,
        stores: Count,
        keys: Count,
        hsms: Count,
        gaps: Count,
        skipped: Count,
      },
      { additionalProperties: false },
    ),
    stores: Type.Array(InventoryStore),
    gaps: Type.Array(
      Type.Object(
        {
          accountId: Type.String(),
          accountName: NullableString,
          region: NullableString,
          kind: GapKind,
          errorCode: NullableString,
          reason: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
    skipped: Type.Array(
      Type.Object(
        {
          accountId: Type.String(),
          accountName: NullableString,
          region: NullableString,
          kind: SkipKind,
          reason: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
);
export type InventoryDocument = Static<typeof InventoryDocument>;
