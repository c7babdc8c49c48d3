/**
 * The data-at-rest parts of `kscli usage --output json` (issue 19; workflow/evidence/dependents/):
 * per key, the resources found under it and what the search missed; per run, how each resource
 * type was covered (Config, an aggregator, a direct read, or not at all), the queries and reads.
 */
import { Type } from '@sinclair/typebox';
import { IsoDate } from './common.js';

const Source = Type.Union([
  Type.Literal('config'),
  Type.Literal('config-aggregator'),
  Type.Literal('direct'),
  Type.Literal('service-grant'),
]);

export const DataResourceJson = Type.Object(
  {
    resourceType: Type.String(),
    resourceId: Type.String(),
    arn: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    accountId: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    createdAt: Type.Optional(IsoDate),
    kmsKeyRef: Type.String({ description: 'the key as the resource names it: ID, ARN, alias name or alias ARN' }),
    property: Type.String(),
    source: Source,
    grantId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** Per key: found | none-found | gap (a core type not covered) | off (--dependents off). */
export const KeyDataAtRest = Type.Object(
  {
    status: Type.Union([Type.Literal('found'), Type.Literal('none-found'), Type.Literal('gap'), Type.Literal('off')]),
    resources: Type.Array(DataResourceJson),
    gaps: Type.Array(Type.String()),
    staleGrants: Type.Array(
      Type.Object({ grantId: Type.String(), resource: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const DependentsRunJson = Type.Object(
  {
    mode: Type.Union([Type.Literal('auto'), Type.Literal('config'), Type.Literal('direct'), Type.Literal('off')]),
    aggregator: Type.Optional(Type.String()),
    region: Type.String(),
    coverage: Type.Array(
      Type.Object(
        {
          resourceType: Type.String(),
          core: Type.Boolean(),
          by: Type.Union([
            Type.Literal('config'),
            Type.Literal('config-aggregator'),
            Type.Literal('direct'),
            Type.Literal('not-covered'),
          ]),
          reason: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    queries: Type.Array(
      Type.Object(
        {
          expression: Type.String(),
          pages: Type.Integer({ minimum: 0 }),
          rows: Type.Integer({ minimum: 0 }),
          aggregator: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    directReads: Type.Array(
      Type.Object(
        {
          reader: Type.String(),
          resources: Type.Integer({ minimum: 0 }),
          status: Type.Union([Type.Literal('ok'), Type.Literal('access-denied'), Type.Literal('unavailable')]),
          error: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    notes: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
