/**
 * What the one-shot commands do to the state file without a server (`kscli sandbox reset`,
 * `advance`, `status`). Each is a load-modify-save under the lock; a running `sandbox serve`
 * notices the new file and reloads before its next request.
 */
import { rmSync } from 'node:fs';
import type { AdvanceReport, SandboxStatus } from '../contract.js';
import {
  loadOrCreate,
  modelFromFile,
  type ModelFactory,
  type ScenarioName,
  type ScenarioParams,
} from './model-holder.js';
import { requestLogPath } from './request-log.js';
import { StateFile, type LockOptions } from './state-file.js';

/** Replaces the account with a fresh scenario and starts a new request log. */
export function resetState(
  factory: ModelFactory,
  statePath: string,
  scenario: ScenarioName,
  opts: ScenarioParams = {},
  lock?: LockOptions,
): SandboxStatus {
  const file = new StateFile(statePath);
  return file.update(
    (_current) => {
      const model = factory.scenario(scenario, opts);
      model.takeDirty();
      rmSync(requestLogPath(statePath), { force: true });
      return { json: model.toJSON(), result: model.status() };
    },
    { ...lock, ignoreCurrent: true },
  );
}

/** Moves the sandbox clock forward and applies what AWS would have done meanwhile. */
export function advanceState(factory: ModelFactory, statePath: string, ms: number, lock?: LockOptions): AdvanceReport {
  const file = new StateFile(statePath);
  if (!file.exists()) loadOrCreate(file, factory);
  return file.update((current) => {
    const model = modelFromFile(factory, statePath, current!.json);
    const report = model.advance(ms);
    return { json: model.toJSON(), result: report };
  }, lock);
}

/** The account at a glance; creates the demo account when there is none yet. */
export function readStatus(factory: ModelFactory, statePath: string): SandboxStatus {
  return loadOrCreate(new StateFile(statePath), factory).status();
}
