/**
 * The trial (issue 20) in the JSON documents of the mutating commands: every key in a trial, its
 * window (from the key's kscli:trial-* tags), phase and failed calls (from CloudTrail).
 */
import { Type, type Static } from '@sinclair/typebox';

export const FailedCallJson = Type.Object(
  {
    time: Type.String({ format: 'date-time' }),
    operation: Type.String(),
    principal: Type.String({ description: 'the role or user ARN that called' }),
    sessionArn: Type.Optional(Type.String()),
    account: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    errorCode: Type.String(),
    sourceIp: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const TrialKeyJson = Type.Object(
  {
    keyId: Type.String(),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
    days: Type.Number(),
    phase: Type.Union([Type.Literal('running'), Type.Literal('ended'), Type.Literal('failed'), Type.Literal('unknown')]),
    failures: Type.Array(FailedCallJson),
    gap: Type.Optional(Type.String()),
    disabledBy: Type.Optional(
      Type.Object({ principal: Type.String(), time: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** Why kscli recommends a trial for a key (workflow/trial/recommend.ts), and the command that starts it. */
export const TrialRecommendationJson = Type.Object(
  {
    why: Type.Union([Type.Literal('unknown'), Type.Literal('old-evidence')], {
      description: 'unknown: the usage verdict is unknown; old-evidence: unused, but used before the unused period',
    }),
    reason: Type.String(),
    command: Type.String(),
  },
  { additionalProperties: false },
);

export const TrialJson = Type.Object(
  {
    /** the latest end among the keys in a trial */
    end: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    keys: Type.Array(TrialKeyJson),
    /** the command that undoes the trial */
    rollback: Type.String(),
  },
  { additionalProperties: false },
);
export type TrialJson = Static<typeof TrialJson>;
