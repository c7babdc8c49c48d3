/**
 * The TypeBox schemas of the options the plan commands save in a plan file (its "options"): the
 * shared pieces. Each plan command's own schema is in its options.ts; `kscli apply` checks a plan
 * file's options against it (src/commands/descriptor.ts fromSaved), so the command's spec is given
 * typed options without a cast. Loaded only with a command's run code.
 */
import { Type } from '@sinclair/typebox';

/** src/input/validate.ts KeyRef: a --key / --exclude-key value as parsed */
export const KeyRefSchema = Type.Union([
  Type.Object({ kind: Type.Literal('id'), input: Type.String(), keyId: Type.String() }),
  Type.Object({
    kind: Type.Literal('arn'),
    input: Type.String(),
    keyId: Type.String(),
    region: Type.String(),
    account: Type.String(),
  }),
  Type.Object({
    kind: Type.Literal('alias'),
    input: Type.String(),
    region: Type.Optional(Type.String()),
    account: Type.Optional(Type.String()),
  }),
]);

/** shared-flags.ts KeySelectionOptions */
export const KeySelectionSchema = Type.Object({ include: Type.Array(KeyRefSchema), exclude: Type.Array(KeyRefSchema) });

/** shared-flags.ts KeyFlags: the flags as given (journaled with the run) */
export const KeyFlagsSchema = Type.Object({ key: Type.Array(Type.String()), excludeKey: Type.Array(Type.String()) });

/** src/workflow/evidence-port.ts EvidenceOptions */
export const EvidenceOptionsSchema = Type.Object({
  allowInUse: Type.Boolean(),
  allowUnknownUsage: Type.Boolean(),
  alarm: Type.Boolean(),
  snsTopicArn: Type.Optional(Type.String()),
  logGroup: Type.Optional(Type.String()),
  logGroupArn: Type.Optional(Type.String()),
  evidence: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('logs'), Type.Literal('api')])),
  days: Type.Optional(Type.Number()),
  unusedDays: Type.Optional(Type.Number()),
  // issue 19: the data-at-rest search and its override (apply re-searches with the saved ones)
  allowDataLoss: Type.Optional(Type.Boolean()),
  dependents: Type.Optional(
    Type.Union([Type.Literal('auto'), Type.Literal('config'), Type.Literal('direct'), Type.Literal('off')]),
  ),
  configAggregator: Type.Optional(Type.String()),
});

export const StoreIdSchema = Type.String({ pattern: '^cks-[0-9a-f]{17}$' });
