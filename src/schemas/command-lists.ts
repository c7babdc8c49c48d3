/**
 * The commands the published schemas name (the "command" property of the plan, apply and plan-file
 * documents, so that a JSON consumer sees the list). The schemas never keep that list: they are
 * built from one, derived from the command descriptors by src/commands/published-schemas.ts. The
 * schemas layer does not import commands (a command's descriptor names its schemas).
 */
import { Type } from '@sinclair/typebox';

export interface CommandLists {
  /** commands that print the "plan" document, by name (`backups`) */
  readonly plan: readonly string[];
  /** the same commands as typed (`backups --delete`): the schema's description lists them */
  readonly planUsages: readonly string[];
  /** commands whose plans can be saved with --plan-out and carried out by `kscli apply` */
  readonly saved: readonly string[];
}

/** The "command" property: one of these names. */
export function commandUnion(names: readonly string[]) {
  return Type.Union(names.map((n) => Type.Literal(n)));
}
