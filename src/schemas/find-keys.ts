/** `kscli find-keys <store> --output json`. */
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, IsoDate, IsoDateOrNull, StoreJson } from './common.js';

export const FindKeysDocument = documentSchema('find-keys', 'The keys of one custom key store, oldest first.', {
  store: StoreJson,
  keys: Type.Array(
    Type.Object(
      {
        keyId: Type.String(),
        arn: Type.String(),
        state: Type.String({ description: 'the KMS KeyState: Enabled, Disabled, PendingDeletion, Unavailable, ...' }),
        aliases: Type.Array(Type.String()),
        creationDate: IsoDate,
        deletionDate: IsoDateOrNull,
      },
      { additionalProperties: false },
    ),
  ),
});
export type FindKeysDocument = Static<typeof FindKeysDocument>;
