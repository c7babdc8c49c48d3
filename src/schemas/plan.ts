/**
 * The document of every mutating command (alarm, schedule-deletion, cancel-deletion,
 * disconnect-store, backups --delete; delete-store adds its own fields): the plan, one line per
 * target, and after an apply each line's result (src/workflow/plan-runner/, src/ui/render/plan-outcome.ts).
 */
import { LeftoverJson } from './leftover.js';
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, IsoDate, IsoDateOrNull } from './common.js';
import { commandUnion, type CommandLists } from './command-lists.js';
import { BackupsReportJson, OrphansReportJson } from './reports.js';
import { TrialJson } from './trial.js';

export const Check = Type.Object(
  {
    name: Type.String({ description: 'stable id, e.g. key-in-store, store-connected, usage-verdict' }),
    ok: Type.Boolean(),
    detail: Type.Optional(Type.String()),
    overrideFlag: Type.Optional(Type.String()),
    overridden: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PlanItem = Type.Object(
  {
    target: Type.String(),
    targetKind: Type.Union([
      Type.Literal('key'),
      Type.Literal('store'),
      Type.Literal('alarm'),
      Type.Literal('metric-filter'),
      Type.Literal('backup'),
      Type.Literal('hsm'),
      Type.Literal('cluster'),
    ]),
    action: Type.String({ description: 'the AWS call, e.g. ScheduleKeyDeletion, or none' }),
    status: Type.Union([Type.Literal('apply'), Type.Literal('skip'), Type.Literal('blocked')]),
    reason: Type.String(),
    checks: Type.Array(Check),
    /** facts shown in the plan (key ARN, state, aliases, deletion date...) and what the call returned */
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** after an apply */
    result: Type.Optional(
      Type.Union([
        Type.Literal('done'),
        Type.Literal('skipped'),
        Type.Literal('failed'),
        Type.Literal('not-run'),
        Type.Literal('blocked'),
      ]),
    ),
    note: Type.Optional(Type.String()),
    error: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PlanItemJson = Static<typeof PlanItem>;

/** The saved plan a document refers to: where it was written (--plan-out) or read (apply), and its digest. */
export const PlanFileRef = Type.Object(
  {
    path: Type.Optional(Type.String()),
    digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

export const Outcome = Type.Union([
  Type.Literal('done'),
  Type.Literal('pending'),
  Type.Literal('blocked'),
  Type.Literal('dry-run'),
  Type.Literal('cancelled'),
  Type.Literal('nothing-to-do'),
  Type.Literal('interrupted'),
  Type.Literal('failed'),
]);

const planProperties = {
  command: Type.String(),
  /** the store a store command's plan is about */
  storeId: Type.Optional(Type.String()),
  /** what the plan is about when it is not a store (a cluster, a set of keys, an account) */
  subject: Type.Optional(Type.Object({ kind: Type.String(), id: Type.String() })),
  account: Type.String(),
  region: Type.String(),
  plan: Type.Array(PlanItem),
  outcome: Outcome,
  /** outcome pending: when to run the same command again */
  nextRunAfter: Type.Optional(IsoDate),
  warnings: Type.Array(Type.String()),
  /** the override flags given whose checks failed (and were overridden) */
  overrides: Type.Array(Type.String()),
  /** --plan-out FILE, and kscli apply FILE: the saved plan (issue 9) */
  planFile: Type.Optional(PlanFileRef),
  /** the keys in a trial (issue 20): window, phase, failed calls */
  trial: Type.Optional(TrialJson),
};

/** What changed in the store while a run applied its plan (workflow/drift.ts). */
const KeyDrift = Type.Object(
  {
    keyId: Type.String(),
    state: Type.String(),
    change: Type.Union([Type.Literal('created'), Type.Literal('deletion-cancelled')]),
    note: Type.String(),
  },
  { additionalProperties: false },
);

/** The plan document; its "command" names the commands printing it (src/commands/published-schemas.ts). */
export const planDocument = (commands: CommandLists) =>
  documentSchema('plan', `The plan and outcome of a mutating command: ${commands.planUsages.join(', ')}.`,
  {
    ...planProperties,
    command: commandUnion(commands.plan),
    /** schedule-deletion: keys whose state changed while the plan was applied */
    changedSincePlan: Type.Optional(Type.Array(KeyDrift)),
    /** schedule-deletion in a trial (issue 20): the trial's phase the run ended in (exit 8) */
    phase: Type.Optional(Type.Union([Type.Literal('trial-start'), Type.Literal('trial-running')])),
  },
);

export const DeleteStoreDocument = documentSchema(
  'delete-store',
  'The plan and outcome of delete-store, with the phase the store is in and what is left.',
  {
    ...planProperties,
    command: Type.Literal('delete-store'),
    phase: Type.Optional(Type.String({ description: 'the step of the retirement the run was at, or already-deleted' })),
    /** outcome pending: the keys still waiting for deletion, re-listed from AWS after the apply */
    keysLeft: Type.Optional(
      Type.Array(
        Type.Object(
          { keyId: Type.String(), state: Type.String(), deletionDate: IsoDateOrNull },
          { additionalProperties: false },
        ),
      ),
    ),
    /** keys left out by --key / --exclude-key, which keep the store alive */
    keysLeftOut: Type.Optional(
      Type.Array(Type.Object({ keyId: Type.String(), state: Type.String() }, { additionalProperties: false })),
    ),
    changedSincePlan: Type.Optional(Type.Array(KeyDrift)),
    /** after deleting a CloudHSM store: what KMS leaves behind */
    backups: Type.Optional(BackupsReportJson),
    orphans: Type.Optional(OrphansReportJson),
    /** after deleting a store: what still costs money (the cluster and its HSMs, the XKS proxy) */
    leftover: Type.Optional(LeftoverJson),
  },
);
export type DeleteStoreDocument = Static<typeof DeleteStoreDocument>;

/**
 * kscli apply FILE (issue 9): the document of the plan's command plus "planFile", or, when the
 * apply is refused (nothing changed), "outcome": "refused" with one line per reason and no plan.
 */
export const applyDocument = (commands: CommandLists) =>
  documentSchema(
  'apply',
  'kscli apply FILE: the outcome of applying a saved plan (the document of its command), or its refusal with every reason.',
  {
    command: commandUnion(commands.saved),
    /** a store plan's store */
    storeId: Type.Optional(Type.String()),
    /** what the plan is about: in the command's document, and in a refusal */
    subject: Type.Optional(Type.Object({ kind: Type.String(), id: Type.String() })),
    account: Type.String(),
    region: Type.String(),
    outcome: Type.Union([Outcome, Type.Literal('refused')]),
    /** refused: why, one line each (nothing was changed) */
    reasons: Type.Optional(Type.Array(Type.String())),
    plan: Type.Optional(Type.Array(PlanItem)),
    nextRunAfter: Type.Optional(IsoDate),
    warnings: Type.Optional(Type.Array(Type.String())),
    overrides: Type.Optional(Type.Array(Type.String())),
    planFile: PlanFileRef,
    phase: Type.Optional(Type.String()),
    keysLeft: Type.Optional(
      Type.Array(
        Type.Object({ keyId: Type.String(), state: Type.String(), deletionDate: IsoDateOrNull }, { additionalProperties: false }),
      ),
    ),
    keysLeftOut: Type.Optional(
      Type.Array(Type.Object({ keyId: Type.String(), state: Type.String() }, { additionalProperties: false })),
    ),
    changedSincePlan: Type.Optional(Type.Array(KeyDrift)),
    backups: Type.Optional(BackupsReportJson),
    orphans: Type.Optional(OrphansReportJson),
    trial: Type.Optional(TrialJson),
    leftover: Type.Optional(LeftoverJson),
  },
);

/** The fields a mutating command adds to the common plan document (all of them delete-store's). */
export type PlanExtras = Partial<
  Pick<
    DeleteStoreDocument,
    'phase' | 'keysLeft' | 'keysLeftOut' | 'changedSincePlan' | 'backups' | 'orphans' | 'trial' | 'leftover'
  >
>;
