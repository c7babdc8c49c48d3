/**
 * For `kscli apply FILE`: the plan runner spec of the command that made the plan, built from the
 * options the plan file saved, by that command's descriptor (src/commands/descriptor.ts fromSaved):
 * the options are checked against the command's options schema (a plan file of another version, or
 * one whose options do not fit, is refused with bad input), then given to the same spec functions
 * the command itself calls, so the plan computed on apply is computed exactly as the saved one was.
 */

import type { Deps } from '../../deps.js';
import { ExitCode, KscliError } from '../../errors.js';
import { commandNamed } from '../catalog.js';
import type { LoadedSpec } from '../descriptor.js';

export async function savedSpec(deps: Deps, command: string, options: unknown): Promise<LoadedSpec> {
  const d = commandNamed(command);
  const saved = await d?.fromSaved?.(deps, options);
  if (!saved) throw new KscliError(ExitCode.BadInput, `${command} does not write plans: this file cannot be applied`);
  if ('problem' in saved)
    throw new KscliError(
      ExitCode.BadInput,
      `the plan file cannot be applied: ${saved.problem}`,
      'make a new plan with --plan-out, with this version of kscli',
    );
  return saved.loaded;
}
