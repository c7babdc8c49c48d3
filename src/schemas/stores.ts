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
          }),
        ],
        { additionalProperties: false },
      ),
    ),
  },
);
export type StoresDocument = Static<typeof StoresDocument>;
