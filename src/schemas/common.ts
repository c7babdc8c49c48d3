/**
 * Building blocks of the `--output json` schemas (TypeBox: each schema IS the TypeScript type,
 * through Static<>, and a JSON Schema, written to schemas/<name>.json by `npm run schemas`).
 * Every document is an object with "schemaVersion": 1, camelCase keys and ISO 8601 dates.
 * Top-level documents refuse unknown properties, so a field added to the output without its schema
 * fails the end-to-end suite (which validates every JSON document kscli prints).
 */
import { Type, type TProperties } from '@sinclair/typebox';

/** An ISO 8601 date-time string, as Date.toISOString() writes it. */
export const IsoDate = Type.String({ format: 'date-time' });
export const IsoDateOrNull = Type.Union([IsoDate, Type.Null()]);

export const StoreType = Type.Union([Type.Literal('AWS_CLOUDHSM'), Type.Literal('EXTERNAL_KEY_STORE')]);

/** A custom key store as every document shows it (src/ui/render/json-fields.ts storeJson). */
export const StoreJson = Type.Object(
  {
    storeId: Type.String({ pattern: '^cks-[0-9a-f]{17}$' }),
    name: Type.String(),
    type: StoreType,
    connectionState: Type.String({ description: 'CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED' }),
    connectionErrorCode: Type.Optional(Type.String()),
    clusterId: Type.Union([Type.String(), Type.Null()]),
    creationDate: IsoDate,
  },
  { additionalProperties: false },
);

/** A whole document: "schemaVersion": 1 plus `properties`, nothing else. */
export function documentSchema<P extends TProperties>(id: string, description: string, properties: P) {
  return Type.Object(
    { schemaVersion: Type.Literal(1), ...properties },
    {
      $id: `https://github.com/kscli/kscli/schemas/${id}.json`,
      title: `kscli ${id} --output json`,
      description,
      additionalProperties: false,
    },
  );
}

/** The document without "schemaVersion", which writeJson adds: what the commands build. */
export type Body<T> = Omit<T, 'schemaVersion'>;
