/** `kscli sandbox status|reset|advance --output json` (sandbox/contract.ts SandboxStatus, AdvanceReport). */
import { Type, type Static } from '@sinclair/typebox';
import { documentSchema, IsoDate } from './common.js';

const status = {
  statePath: Type.String(),
  now: IsoDate,
  accountId: Type.String({ pattern: '^\\d{12}$' }),
  stores: Type.Array(
    Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        type: Type.String(),
        connectionState: Type.String(),
        keyStates: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
  ),
  keysOutsideStores: Type.Integer({ minimum: 0 }),
  alarms: Type.Array(Type.Object({ name: Type.String(), state: Type.String() }, { additionalProperties: false })),
  backups: Type.Array(
    Type.Object({ id: Type.String(), clusterId: Type.String(), state: Type.String() }, { additionalProperties: false }),
  ),
  /** organization sandboxes (scenario org) only */
  estate: Type.Optional(
    Type.Object(
      {
        organizationId: Type.Optional(Type.String()),
        accounts: Type.Integer({ minimum: 0 }),
        regions: Type.Array(Type.String()),
        storedCells: Type.Integer({ minimum: 0 }),
        stores: Type.Integer({ minimum: 0 }),
        /** the OUs with their path from the root: what --ou takes */
        organizationalUnits: Type.Optional(
          Type.Array(
            Type.Object({ id: Type.String(), name: Type.String(), path: Type.String() }, { additionalProperties: false }),
          ),
        ),
        /** every account, its OU, and the role the management account can assume there */
        memberAccounts: Type.Optional(
          Type.Array(
            Type.Object(
              { id: Type.String(), name: Type.String(), state: Type.String(), parentId: Type.String(), access: Type.String() },
              { additionalProperties: false },
            ),
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
};

export const SandboxStatusDocument = documentSchema(
  'sandbox-status',
  'The sandbox account at a glance: clock, stores, key counts per state, alarms, backups.',
  status,
);
export type SandboxStatusDocument = Static<typeof SandboxStatusDocument>;

export const SandboxResetDocument = documentSchema(
  'sandbox-reset',
  'The sandbox account after a reset to a scenario.',
  {
    ...status,
    scenario: Type.Union([Type.Literal('demo'), Type.Literal('large'), Type.Literal('org'), Type.Literal('empty')]),
    journalArchived: Type.Optional(
      Type.Object(
        { dir: Type.String(), files: Type.Array(Type.String()) },
        {
          additionalProperties: false,
          description: "the earlier rehearsal's journals of the sandbox's accounts, moved aside: a fresh journal",
        },
      ),
    ),
  },
);
export type SandboxResetDocument = Static<typeof SandboxResetDocument>;

export const SandboxAdvanceDocument = documentSchema('sandbox-advance', 'What moving the sandbox clock forward did.', {
  statePath: Type.String(),
  from: IsoDate,
  to: IsoDate,
  deletedKeys: Type.Array(
    Type.Object(
      {
        keyId: Type.String(),
        storeId: Type.Optional(Type.String()),
        backingKeysDeletionStatus: Type.Optional(Type.Union([Type.Literal('SUCCESS'), Type.Literal('FAILURE')])),
      },
      { additionalProperties: false },
    ),
  ),
  storeTransitions: Type.Array(
    Type.Object({ storeId: Type.String(), from: Type.String(), to: Type.String() }, { additionalProperties: false }),
  ),
  purgedBackups: Type.Array(Type.String()),
});
export type SandboxAdvanceDocument = Static<typeof SandboxAdvanceDocument>;
