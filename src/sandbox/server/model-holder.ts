/**
 * Keeps the account model in memory for the server, in step with its state file:
 * - before each request, reloads the file when another process changed it (`sandbox advance`
 *   while `sandbox serve` runs: the other process's change wins);
 * - after each request that changed the model (`takeDirty()`: every call does, since it becomes a
 *   CloudTrail event), saves it once requests pause for `saveDelayMs`, and at least every
 *   `saveMaxWaitMs` under sustained load: serialising a 10,000-key account takes ~10 ms, so saving
 *   after every burst would halve the throughput of a 2,000 requests/s benchmark; and never sooner
 *   than SAVE_COST_FACTOR times the last save's duration after it, so that a large account (a save
 *   of 100,000 keys takes most of a second) is not saved more than it is served. `flush()` saves
 *   at once (shutdown).
 */
import type { SandboxModel } from '../contract.js';
import { corruptStateError, StateFile, withFileLock } from './state-file.js';

export type ScenarioName = 'demo' | 'large' | 'org' | 'empty';

/** Options of the large scenario (src/sandbox/model/scenarios.ts) and of the org scenario (model/org/org-scenario.ts). */
export interface ScenarioParams {
  /** org: accounts in the organization, Regions of the partition, stores scattered (seed: their placement) */
  accounts?: number;
  regions?: number;
  stores?: number;
  keys?: number;
  storeKeys?: number;
  /** share of the store's keys with usage history, 0..1 */
  usedShare?: number;
  /** events of other services in the history */
  noiseEvents?: number;
  /** large: resources holding data at rest, generated when first read */
  resources?: number;
  seed?: number;
  /** empty: the account's 12-digit ID */
  accountId?: string;
}

/** Under sustained load, saving may take at most 1/SAVE_COST_FACTOR of the time (see afterChange). */
const SAVE_COST_FACTOR = 20;

/** How the HTTP layer builds models; src/sandbox/index.ts wires the real one (src/sandbox/model/). */
export interface ModelFactory {
  fromJSON(json: unknown): SandboxModel;
  scenario(name: ScenarioName, opts?: ScenarioParams): SandboxModel;
}

export interface ModelHolderOptions {
  /** save when no change came for this long, ms (default 20) */
  saveDelayMs?: number;
  /** but never later than this after the first unsaved change, ms (default 1000) */
  saveMaxWaitMs?: number;
  /** told about a reload or a discarded in-memory change, for the serve command's stderr */
  onNotice?: (message: string) => void;
}

/** Builds a model from a state file's JSON, turning any failure into the "corrupt file" error. */
export function modelFromFile(factory: ModelFactory, file: string, json: unknown): SandboxModel {
  try {
    return factory.fromJSON(json);
  } catch (e) {
    throw corruptStateError(file, (e as Error).message.split('\n')[0]!);
  }
}

/**
 * Opens the state file, creating it from the demo scenario when missing (issue 4), under the lock.
 */
export function loadOrCreate(file: StateFile, factory: ModelFactory): SandboxModel {
  return withFileLock(file.path, () => {
    if (file.exists()) return modelFromFile(factory, file.path, file.read().json);
    const model = factory.scenario('demo');
    model.takeDirty();
    file.write(model.toJSON());
    return model;
  });
}

export class ModelHolder {
  private model: SandboxModel;
  private timer: NodeJS.Timeout | undefined;
  /** when the oldest unsaved change happened (performance.now()), undefined when saved */
  private pendingSince: number | undefined;
  /** the last debounced save failed: flush() must try again even without a new change */
  private saveFailed = false;
  private readonly saveDelayMs: number;
  private readonly saveMaxWaitMs: number;
  /** how long the last save took, ms: under sustained load saves are spaced by a multiple of it */
  private lastSaveMs = 0;
  /** when the last save ended (performance.now()) */
  private lastSaveEnd = 0;
  /** called after a reload, so that the server can reopen its request log */
  onReload: () => void = () => {};

  constructor(
    private readonly factory: ModelFactory,
    private readonly file: StateFile | undefined,
    initial: SandboxModel,
    private readonly opts: ModelHolderOptions = {},
  ) {
    this.model = initial;
    this.saveDelayMs = opts.saveDelayMs ?? 20;
    this.saveMaxWaitMs = Math.max(this.saveDelayMs, opts.saveMaxWaitMs ?? 1000);
  }

  get statePath(): string | undefined {
    return this.file?.path;
  }

  /** The model to handle the next request with, reloaded first if another process changed the file. */
  current(): SandboxModel {
    if (this.file?.changedByOthers()) this.reload();
    return this.model;
  }

  private reload(): void {
    if (!this.file) return;
    const loaded = this.file.read();
    this.model = modelFromFile(this.factory, this.file.path, loaded.json);
    if (this.timer) {
      this.cancelPending();
      this.opts.onNotice?.(
        `state file ${this.file.path} was changed by another process; its version wins over unsaved changes`,
      );
    } else {
      this.opts.onNotice?.(`state file ${this.file.path} was changed by another process; reloaded`);
    }
    this.onReload();
  }

  /** After a request (or an admin action): (re)schedule a save when the model changed. */
  afterChange(): void {
    if (!this.model.takeDirty() || !this.file) return;
    const now = performance.now();
    this.pendingSince ??= now;
    if (this.timer) clearTimeout(this.timer);
    // A save blocks the server for as long as it serialises the account: about 1 s for 100,000 keys
    // and a full event history. Saving after every pause (or every saveMaxWaitMs) would then leave
    // it no time to answer (issue 5, the memory benchmark): the answers held up by one save come back
    // together, the client's next requests arrive together, the next pause follows at once. So saves
    // are also spaced by SAVE_COST_FACTOR times the cost of the last one (nothing for small accounts,
    // where a save takes a millisecond): saving takes at most 1/SAVE_COST_FACTOR of the time.
    const spacing = this.lastSaveEnd + SAVE_COST_FACTOR * this.lastSaveMs - now;
    const maxWait = Math.max(this.saveMaxWaitMs, SAVE_COST_FACTOR * this.lastSaveMs);
    const wait = Math.max(0, spacing, Math.min(this.saveDelayMs, this.pendingSince + maxWait - now));
    this.timer = setTimeout(() => {
      this.cancelPending();
      try {
        this.save();
      } catch (e) {
        // a locked or unwritable file must not take the server down; the next change retries
        this.saveFailed = true;
        this.opts.onNotice?.(`could not save ${this.file?.path}: ${(e as Error).message}`);
      }
    }, wait);
  }

  private cancelPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingSince = undefined;
  }

  /** Saves now, under the lock. If the file changed meanwhile, the other process's version wins. */
  private save(): void {
    const file = this.file;
    if (!file) return;
    withFileLock(file.path, () => {
      if (file.changedByOthers()) {
        this.model = modelFromFile(this.factory, file.path, file.read().json);
        this.opts.onNotice?.(
          `state file ${file.path} was changed by another process; its version wins over unsaved changes`,
        );
        this.onReload();
        return;
      }
      const started = performance.now();
      file.write(this.model.toJSON());
      this.saveFailed = false;
      this.lastSaveEnd = performance.now();
      this.lastSaveMs = this.lastSaveEnd - started;
    });
  }

  /**
   * Replaces the account with a fresh scenario (the admin API's reset) and saves it at once,
   * under the lock: the new account wins over whatever the file held.
   */
  reset(name: ScenarioName, opts: ScenarioParams = {}): SandboxModel {
    const model = this.factory.scenario(name, opts);
    this.replace(model);
    return model;
  }

  private replace(model: SandboxModel): void {
    this.cancelPending();
    this.model = model;
    model.takeDirty();
    const file = this.file;
    if (!file) return;
    withFileLock(file.path, () => {
      const started = performance.now();
      file.write(model.toJSON());
      this.saveFailed = false;
      this.lastSaveEnd = performance.now();
      this.lastSaveMs = this.lastSaveEnd - started;
    });
  }

  /** Saves pending changes now (shutdown). */
  flush(): void {
    if (this.timer) {
      this.cancelPending();
      this.save();
    } else if (this.model.takeDirty() || this.saveFailed) {
      this.save();
    }
  }
}
