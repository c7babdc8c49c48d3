/**
 * The sandbox account model: `createModel` restores an account from its `toJSON()` state (or
 * starts an empty one), `scenario` builds the state of a ready-made account.
 */
import type { SandboxModel } from '../contract.js';
import { seededIds } from './ids.js';
import { AccountModel } from './model.js';
import type { AccountEnv } from './account.js';
import { defaultConfig, emptyState, STATE_VERSION, type AccountState, type SandboxConfig } from './state.js';
import { OrgModel } from './org/org-model.js';
import { isOrgDocument } from './org/org-state.js';

export {
  scenario,
  DEMO_KEYS,
  DEMO_STORE_ID,
  DEMO_IDLE_STORE_ID,
  DEMO_XKS_STORE_ID,
  DEMO_CLUSTER_ID,
  DEMO_TOPIC_ARN,
  DEMO_LOG_GROUP,
  DEMO_TRAIL,
} from './scenarios.js';
export type { ScenarioName, ScenarioOptions } from './scenarios.js';
export { DEMO_DATA, DEMO_RECORDED_TYPES } from './data/scenario.js';
export { AccountModel, implementedOperations } from './model.js';
export { compileFilterPattern } from './logs/filter-pattern.js';
export type { AccountState, SandboxConfig } from './state.js';
export { OrgModel } from './org/org-model.js';
export {
  orgScenario,
  ORG_DEFAULTS,
  ORG_ID,
  ORG_ROLE,
  AUDIT_EXTERNAL_ID,
  MANAGEMENT_ACCOUNT,
  memberAccountId,
  ORG_YEARLY_JOB,
} from './org/org-scenario.js';
export type { OrgScenarioOptions } from './org/org-scenario.js';
export type { OrgDocument, OrgState, OrgAccount } from './org/org-state.js';

export interface CreateModelOptions {
  /** set the sandbox clock to this time (tests) */
  now?: Date;
  /** override timing and caps, e.g. `{ disconnectMs: 50 }` so tests can poll quickly */
  config?: Partial<SandboxConfig>;
  /**
   * The base of sandbox time instead of Date.now (sandbox time = wallClock() + offset). A
   * constant makes time move only by `advance`: what a test that must replay exactly needs.
   */
  wallClock?: () => number;
  /** seed the ids the model makes (keys, events, grants, stores) instead of using crypto */
  idSeed?: number;
}

/**
 * Restores a model. The model takes ownership of `json` (no copy, so that 100,000 keys load
 * fast): do not reuse the object elsewhere. Without `json` the account is empty.
 */
export function createModel(json?: unknown, opts: CreateModelOptions = {}): SandboxModel & AccountModel {
  const state = json === undefined || json === null ? emptyState() : checkState(json);
  if (opts.config) state.config = { ...state.config, ...opts.config };
  const wallClock = opts.wallClock ?? Date.now;
  if (opts.now) state.clockOffsetMs = opts.now.getTime() - wallClock();
  return new AccountModel(state, { wallClock, ...(opts.idSeed !== undefined ? { ids: seededIds(opts.idSeed) } : {}) });
}

/**
 * What the sandbox server runs: an OrgModel for every state file. A version-1 account file (the
 * demo) becomes the home cell of an organization-less OrgModel and is saved back unchanged while
 * nothing else exists; an organization file (scenario org) restores every cell.
 */
export function createSandboxModel(json?: unknown, opts: CreateModelOptions = {}): OrgModel {
  if (isOrgDocument(json)) {
    if (json.version !== 1 || !Array.isArray(json.cells))
      throw new TypeError(`sandbox state: unsupported organization document version ${String(json.version)}`);
    const doc = json;
    doc.cells = doc.cells.map((c) => checkState(c));
    doc.sessions ??= {};
    const wallClock = opts.wallClock ?? Date.now;
    if (opts.now) doc.clockOffsetMs = opts.now.getTime() - wallClock();
    if (opts.config) for (const c of doc.cells) c.config = { ...c.config, ...opts.config };
    return new OrgModel(doc, envOf(opts));
  }
  const account = createModel(json, opts);
  return OrgModel.fromAccount(account.acc.state, envOf(opts));
}

/** The clock and ids of a model made with `opts` (the system's unless a test gives its own). */
function envOf(opts: CreateModelOptions): AccountEnv {
  return {
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    ...(opts.idSeed !== undefined ? { ids: seededIds(opts.idSeed) } : {}),
  };
}

function checkState(json: unknown): AccountState {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TypeError('sandbox state: expected an object');
  const s = json as Partial<AccountState>;
  if (s.version !== STATE_VERSION)
    throw new TypeError(`sandbox state: unsupported version ${String(s.version)} (expected ${STATE_VERSION})`);
  if (!Array.isArray(s.keys)) throw new TypeError('sandbox state: keys must be an array');
  // fill members added after a state file was written
  const filled = { ...emptyState(), ...s } as AccountState;
  filled.config = { ...defaultConfig(), ...(s.config ?? {}) };
  return filled;
}
