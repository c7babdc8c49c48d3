/** `kscli stores --output json`. */
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, StoreJson } from './common.js';

export const StoresDocument = documentSchema(
  'stores',
  'Every custom key store of the Region, with its key counts per key state.',
  {
    region: Type.String(),
    stores: Type.Array(
      Type.Composite(
        [
          StoreJson,
          Type.Object({
            keyCount: Type.Integer({ minimum: 0 }),
            /** keys per key state, e.g. {"Enabled": 2, "PendingDeletion": 1} */
            keyCounts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
            /** keys disabled for a kscli trial (tagged kscli:trial-*, Disabled or Unavailable); null: some tags could not be read */
            keysInTrial: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
            keysInTrialError: Type.Optional(Type.String()),
            /** with --regions: the store's Region */
            region: Type.Optional(Type.String()),
          }),
        ],
        { additionalProperties: false },
      ),
    ),
    /** with --regions only: what was asked, whether every Region was read, and what was not */
    regions: Type.Optional(Type.Union([Type.Literal('all'), Type.Array(Type.String())])),
    complete: Type.Optional(Type.Boolean()),
    gaps: Type.Optional(Type.Array(Type.Object({ region: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), errorCode: Type.Union([Type.String(), Type.Null()]), reason: Type.String() }, { additionalProperties: false }))),
    skipped: Type.Optional(Type.Array(Type.Object({ region: Type.Union([Type.String(), Type.Null()]), kind: Type.String(), reason: Type.String() }, { additionalProperties: false }))),
  },
);
export type StoresDocument = Static<typeof StoresDocument>;
