/**
 * `kscli usage <store> --output json`: the evidence of each key's use and its verdict (issue 3;
 * workflow/evidence/types.ts). Each evidence section carries a "status" so that an archive tells
 * "nothing found" (ok) from "could not look" (access-denied, unavailable).
 */
import { TrialKeyJson, TrialRecommendationJson } from './trial.js';
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { documentSchema, IsoDate, StoreJson } from './common.js';
import { DependentsRunJson, KeyDataAtRest } from './data-at-rest.js';

// not-asked: the trail's log group covered the window, so the per-key call was not needed (issue 10)
const SourceStatus = Type.Union([
  Type.Literal('ok'),
  Type.Literal('access-denied'),
  Type.Literal('unavailable'),
  Type.Literal('not-asked'),
]);
/** Where the use evidence came from (issue 10): the per-key APIs, the trail's log group, or both. */
const EvidenceSource = Type.Union([
  Type.Literal('api'),
  Type.Literal('logs-insights'),
  Type.Literal('logs-insights+api'),
]);
/** One stretch of the window and what searched it. */
const Segment = Type.Object(
  {
    source: Type.Union([Type.Literal('lookup-events'), Type.Literal('logs-insights')]),
    start: IsoDate,
    end: IsoDate,
    logGroup: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A stretch of the window no source searched, and why (issue 23: --evidence logs uses the log group alone). */
const Uncovered = Type.Object(
  { start: IsoDate, end: IsoDate, reason: Type.String(), remedy: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** What a usage run's evidence rested on (workflow/evidence/summary.ts); null before issue 10's sources ran. */
export const EvidenceSummary = Type.Object(
  {
    mode: Type.Union([Type.Literal('auto'), Type.Literal('logs'), Type.Literal('api')]),
    source: EvidenceSource,
    window: Type.Object({ start: IsoDate, end: IsoDate, days: Type.Number() }, { additionalProperties: false }),
    segments: Type.Array(Segment),
    logGroup: Type.Union([
      Type.Object(
        {
          name: Type.String(),
          region: Type.String(),
          accountId: Type.String(),
          arn: Type.String(),
          trail: Type.String(),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    limits: Type.Array(Type.String()),
    logGroupProblems: Type.Array(Type.String()),
    /** the stretches of the window no source searched: keys that must be covered there are unknown */
    uncovered: Type.Array(Uncovered),
    /** why --evidence auto joined the log group and LookupEvents (null: one source answered) */
    joined: Type.Union([Type.String(), Type.Null()]),
    queries: Type.Array(
      Type.Object(
        {
          queryId: Type.String(),
          status: Type.Union(
            ['Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown'].map((s) =>
              Type.Literal(s),
            ),
          ),
          start: IsoDate,
          end: IsoDate,
          rows: Type.Integer({ minimum: 0 }),
          recordsMatched: Type.Number(),
          recordsScanned: Type.Number(),
          bytesScanned: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
const Verdict = Type.Union([
  Type.Literal('in-use'),
  Type.Literal('unused'),
  Type.Literal('unknown'),
  Type.Literal('protects-data'),
]);

/** An evidence section: its status, the error when it could not be read, and its own fields. */
const section = <P extends TProperties>(properties: P) =>
  Type.Object(
    { status: SourceStatus, error: Type.Optional(Type.String()), ...properties },
    { additionalProperties: false },
  );

const EventRef = {
  eventId: Type.String(),
  eventName: Type.String(),
  eventTime: IsoDate,
  principal: Type.String(),
};

export const KeyUsage = Type.Object(
  {
    keyId: Type.String(),
    arn: Type.String(),
    verdict: Verdict,
    evidenceSource: EvidenceSource,
    lastUsage: section({
      keyCreationDate: Type.Optional(IsoDate),
      trackingStartDate: Type.Optional(IsoDate),
      operation: Type.Optional(Type.String()),
      timestamp: Type.Optional(IsoDate),
      cloudTrailEventId: Type.Optional(Type.String()),
    }),
    cloudTrail: section({
      window: Type.Object({ start: IsoDate, end: IsoDate }, { additionalProperties: false }),
      operations: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
      principals: Type.Array(
        Type.Object({ principal: Type.String(), count: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
      ),
      newest: Type.Optional(Type.Object(EventRef, { additionalProperties: false })),
      failedAttemptCount: Type.Integer({ minimum: 0 }),
      failedAttempts: Type.Array(
        Type.Object(
          { ...EventRef, errorCode: Type.Optional(Type.String()), errorMessage: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ),
      ignoredEventCount: Type.Integer({ minimum: 0 }),
      /** which searches make up `window` (absent: LookupEvents alone) */
      segments: Type.Optional(Type.Array(Segment)),
      /** failed attempts by error code (Logs Insights source) */
      failedErrorCodes: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
      /** the part of the requested window before `window.start` that no source searched (issue 23) */
      uncovered: Type.Optional(Uncovered),
      /** cryptographic calls per UTC day, days with calls only, oldest first (the activity sparkline) */
      daily: Type.Optional(
        Type.Array(
          Type.Object(
            {
              day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
              succeeded: Type.Integer({ minimum: 0 }),
              failed: Type.Integer({ minimum: 0 }),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    }),
    policyPrincipals: section({
      principals: Type.Array(
        Type.Object(
          {
            principal: Type.String(),
            kind: Type.Union([
              Type.Literal('anyone'),
              Type.Literal('account'),
              Type.Literal('iam'),
              Type.Literal('service'),
              Type.Literal('federated'),
              Type.Literal('canonical-user'),
            ]),
            actions: Type.Array(Type.String()),
            conditional: Type.Boolean(),
            note: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    }),
    grants: section({
      grants: Type.Array(
        Type.Object(
          {
            grantId: Type.String(),
            name: Type.Optional(Type.String()),
            granteePrincipal: Type.Optional(Type.String()),
            retiringPrincipal: Type.Optional(Type.String()),
            operations: Type.Array(Type.String()),
            awsService: Type.Boolean(),
            constraints: Type.Optional(
              Type.Object(
                {
                  encryptionContextSubset: Type.Optional(Type.Record(Type.String(), Type.String())),
                  encryptionContextEquals: Type.Optional(Type.Record(Type.String(), Type.String())),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    }),
    aliases: section({ names: Type.Array(Type.String()) }),
    /** issue 19: the data at rest under the key (absent: not searched by this run) */
    dataAtRest: Type.Optional(KeyDataAtRest),
    /** issue 20: the key's kscli trial (its tags, phase and failed calls); absent: in no trial */
    trial: Type.Optional(TrialKeyJson),
    /** issue 20: the key's tags could not be read, so whether it is in a trial is not known */
    trialTagsError: Type.Optional(Type.String()),
    /** issue 20: kscli recommends a trial for this key (unknown verdict, or only old evidence) */
    trialRecommended: Type.Optional(TrialRecommendationJson),
    reason: Type.String({ description: 'which evidence the verdict rests on, over which dates' }),
  },
  { additionalProperties: false },
);
export type KeyUsage = Static<typeof KeyUsage>;

export const UsageDocument = documentSchema(
  'usage',
  'The evidence of use of the keys of one custom key store, with a verdict per key.',
  {
    store: StoreJson,
    window: Type.Object(
      {
        cloudTrailStart: IsoDate,
        cloudTrailEnd: IsoDate,
        cloudTrailDays: Type.Integer({ minimum: 1 }),
        /** --days as asked (more than 90 needs the trail's log group) */
        requestedDays: Type.Integer({ minimum: 1 }),
        unusedDays: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    /** what the run's evidence rested on (issue 10), or null */
    evidence: Type.Union([EvidenceSummary, Type.Null()]),
    /** issue 19: how the data-at-rest search covered each resource type, its queries and reads */
    dependents: Type.Optional(DependentsRunJson),
    keys: Type.Array(KeyUsage),
    note: Type.String(),
  },
);
export type UsageDocument = Static<typeof UsageDocument>;
