/**
 * Keeps the account model in memory for the server, in step with its state file:
 * - before each request, reloads the file when another process changed it (`sandbox advance`
 *   while `sandbox serve` runs: the other process's change wins);
 * - after each request that changed the model (`takeDirty()`: every call does, since it becomes a
 *   CloudTrail event), saves it once requests pause for `saveDelayMs`, and at least every
 *   `saveMaxWaitMs` under sustained load: serialising a 10,000-key account takes ~10 ms, so saving
 *   after every burst would halve the throughput of a 2,000 requests/s benchmark. `flush()` saves
 *   at once (shutdown).
 */
import type { SandboxModel } from '../contract.js';
import { corruptStateError, StateFile, withFileLock } from './state-file.js';

export type ScenarioName = 'demo' | 'large';

/** How the HTTP layer builds models; src/sandbox/index.ts wires the real one (src/sandbox/model/). */
export interface ModelFactory {
  fromJSON(json: unknown): SandboxModel;
  scenario(name: ScenarioName, opts?: { keys?: number; storeKeys?: number }): SandboxModel;
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
      this.opts.onNotice?.(`state file ${this.file.path} was changed by another process; its version wins over unsaved changes`);
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
    const wait = Math.max(0, Math.min(this.saveDelayMs, this.pendingSince + this.saveMaxWaitMs - now));
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
        this.opts.onNotice?.(`state file ${file.path} was changed by another process; its version wins over unsaved changes`);
        this.onReload();
        return;
      }
      file.write(this.model.toJSON());
      this.saveFailed = false;
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
