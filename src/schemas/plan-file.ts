/**
 * The saved plan (issue 9; src/workflow/plan-file/document.ts): what `--plan-out FILE` writes and
 * `kscli show FILE --output json` prints. Canonical JSON (keys sorted), sealed by "digest".
 */
import { Type } from '@sinclair/typebox';
import { documentSchema, IsoDate, IsoDateOrNull, StoreType } from './common.js';
import { PriceSourceJson } from './cost.js';
import { commandUnion, type CommandLists } from './command-lists.js';
import { SUBJECT_KINDS } from '../workflow/plan-runner/subject.js';

const Check = Type.Object(
  {
    name: Type.String(),
    ok: Type.Boolean(),
    detail: Type.Optional(Type.String()),
    overrideFlag: Type.Optional(Type.String()),
    overridden: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Item = Type.Object(
  {
    target: Type.String(),
    targetKind: Type.String({ description: 'key, store, alarm, metric-filter or backup' }),
    action: Type.String(),
    status: Type.Union([Type.Literal('apply'), Type.Literal('skip'), Type.Literal('blocked')]),
    reason: Type.String(),
    checks: Type.Array(Check),
    /** the AWS call's parameters, e.g. {"KeyId", "PendingWindowInDays"} */
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const Backup = Type.Object(
  { backupId: Type.String(), clusterId: Type.Union([Type.String(), Type.Null()]), state: Type.String() },
  { additionalProperties: false },
);

const Use = Type.Object(
  { operation: Type.String(), time: IsoDate, principal: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

const StoreObservations = Type.Object(
  {
    store: Type.Object(
      {
        storeId: Type.String(),
        name: Type.String(),
        type: StoreType,
        connectionState: Type.String(),
        connectionErrorCode: Type.Optional(Type.String()),
        clusterId: Type.Union([Type.String(), Type.Null()]),
        creationDate: IsoDate,
      },
      { additionalProperties: false },
    ),
    keys: Type.Array(
      Type.Object(
        {
          keyId: Type.String(),
          state: Type.String(),
          deletionDate: IsoDateOrNull,
          keyManager: Type.Optional(Type.String()),
          aliases: Type.Optional(Type.Array(Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    verdicts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            keyId: Type.String(),
            verdict: Type.Union([
              Type.Literal('in-use'),
              Type.Literal('unused'),
              Type.Literal('unknown'),
              Type.Literal('protects-data'),
            ]),
            reason: Type.String(),
            window: Type.Object({ start: IsoDate, end: IsoDate }, { additionalProperties: false }),
            newestUse: Type.Optional(Use),
            failedAttempts: Type.Integer({ minimum: 0 }),
            /** issue 19: the data at rest under the key, re-checked by apply */
            dataAtRest: Type.Optional(
              Type.Object(
                {
                  status: Type.Union([
                    Type.Literal('found'),
                    Type.Literal('none-found'),
                    Type.Literal('gap'),
                    Type.Literal('off'),
                  ]),
                  resources: Type.Array(Type.String()),
                  gaps: Type.Array(Type.String()),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    alarm: Type.Optional(
      Type.Object(
        {
          trail: Type.Union([Type.String(), Type.Null()]),
          logGroup: Type.Union([Type.String(), Type.Null()]),
          homeRegion: Type.Union([Type.String(), Type.Null()]),
          metricFilter: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
          alarm: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
    backups: Type.Optional(Type.Array(Backup)),
  },
  { additionalProperties: false },
);

/** A cluster plan (retire-cluster): src/workflow/cluster/observations.ts. */
const ClusterObservations = Type.Object(
  {
    cluster: Type.Object(
      {
        clusterId: Type.String(),
        state: Type.String(),
        hsms: Type.Array(Type.Object({ hsmId: Type.String(), state: Type.String() }, { additionalProperties: false })),
        backups: Type.Array(Backup),
        storesOnCluster: Type.Array(Type.String({ description: '<storeId> in <region>' })),
        regionGaps: Type.Array(Type.String({ description: 'a Region whose key stores could not be read' })),
        audit: Type.Object(
          { logGroup: Type.String(), status: Type.String(), otherUsers: Type.Array(Type.String()) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** What the plan is about (src/workflow/plan-runner/subject.ts). */
const Subject = Type.Object(
  {
    kind: Type.Union(SUBJECT_KINDS.map((k) => Type.Literal(k))),
    id: Type.String(),
    account: Type.String(),
    region: Type.String(),
    label: Type.String({ description: 'the words after its ID in the plan header' }),
  },
  { additionalProperties: false },
);

/** The saved plan; its "command" names the commands `kscli apply` carries out (src/commands/published-schemas.ts). */
export const planFileDocument = (commands: CommandLists) =>
  documentSchema(
  'plan-file',
  'A saved plan (--plan-out FILE; kscli show FILE --output json): what kscli apply FILE carries out, and the observations it rests on.',
  {
    kind: Type.Literal('kscli-plan'),
    kscliVersion: Type.String(),
    command: commandUnion(commands.saved),
    subject: Subject,
    /** a store plan: the store (= subject.id) */
    storeId: Type.Optional(Type.String()),
    /** the command's typed options: apply plans again with exactly these */
    options: Type.Record(Type.String(), Type.Unknown()),
    commandLine: Type.String(),
    createdAt: IsoDate,
    account: Type.String(),
    region: Type.String(),
    callerArn: Type.String(),
    phase: Type.Optional(Type.String()),
    blocked: Type.Boolean(),
    blockedReasons: Type.Array(Type.String()),
    items: Type.Array(Item),
    overrides: Type.Array(Type.Object({ flag: Type.String(), by: Type.String() }, { additionalProperties: false })),
    warnings: Type.Array(Type.String()),
    /** what the plan rests on: a store's, or a cluster's (its subject says which) */
    observations: Type.Union([StoreObservations, ClusterObservations]),
    nextRunAfter: Type.Optional(IsoDate),
    /** issue 21: src/workflow/cost/plan-cost.ts */
    cost: Type.Optional(
      Type.Object(
        {
          clusterId: Type.String({ description: "a CloudHSM store's cluster, or the cluster a retire-cluster plan retires" }),
          hsmCount: Type.Optional(Type.Integer({ minimum: 0 })),
          usdPerHour: Type.Optional(Type.Number({ description: 'price per HSM-hour in the Region' })),
          monthlyUsd: Type.Optional(Type.Integer({ description: 'hsmCount x usdPerHour x hoursPerMonth, rounded' })),
          priceSource: Type.Optional(PriceSourceJson),
          error: Type.Optional(Type.String({ description: 'why the cost is not known' })),
        },
        {
          additionalProperties: false,
          description: "the cluster's HSMs and monthly cost when the plan was made (what a retire-cluster plan saves)",
        },
      ),
    ),
    digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
  },
);
