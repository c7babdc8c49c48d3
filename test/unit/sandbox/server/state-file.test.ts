import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromSandboxError, KscliError } from '../../../../src/errors.js';
import { SandboxRunError } from '../../../../src/sandbox/errors.js';
import { defaultStatePath, StateFile, withFileLock } from '../../../../src/sandbox/server/state-file.js';
import { loadOrCreate, ModelHolder } from '../../../../src/sandbox/server/model-holder.js';
import { fakeFactory, FakeModel } from './fake-model.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kscli-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('state file', () => {
  it('defaults to $KSCLI_SANDBOX_STATE, else ~/.kscli/sandbox/state.json', () => {
    expect(defaultStatePath({ KSCLI_SANDBOX_STATE: '/x/s.json', HOME: '/home/u' })).toBe('/x/s.json');
    expect(defaultStatePath({ HOME: '/home/u' })).toBe('/home/u/.kscli/sandbox/state.json');
  });

  it('writes atomically with mode 0600 and leaves no temp file', () => {
    const f = new StateFile(join(dir, 'sub', 'state.json'));
    f.write({ a: 1 });
    f.write({ a: 2 });
    expect(JSON.parse(readFileSync(f.path, 'utf8'))).toEqual({ a: 2 });
    expect(statSync(f.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);
  });

  it('creates the state from the demo scenario when missing, and loads it when present', () => {
    const f = new StateFile(join(dir, 'state.json'));
    const created = loadOrCreate(f, fakeFactory) as FakeModel;
    expect(existsSync(f.path)).toBe(true);
    created.state.offsetMs = 1234;
    f.write(created.toJSON());
    expect((loadOrCreate(new StateFile(f.path), fakeFactory) as FakeModel).state.offsetMs).toBe(1234);
  });

  it('turns a corrupt file into a one-line error naming the file and the fix, exit 2', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"keys": [');
    let err: unknown;
    try {
      loadOrCreate(new StateFile(path), fakeFactory);
    } catch (e) {
      err = e;
    }
    // the sandbox throws its own error (it imports nothing of the CLI); the CLI's edge makes it exit 2
    expect(err).toBeInstanceOf(SandboxRunError);
    expect((err as SandboxRunError).kind).toBe('bad-input');
    const cli = fromSandboxError(err) as KscliError;
    expect(cli).toBeInstanceOf(KscliError);
    expect(cli.exitCode).toBe(2);
    expect(cli.message).toContain(path);
    expect(cli.message).not.toContain('\n');
    expect(cli.hint).toBe(`run: kscli sandbox reset --state ${path}`);
    writeFileSync(path, '{"valid": "json but not a state"}');
    expect(() => loadOrCreate(new StateFile(path), fakeFactory)).toThrow(/corrupt/);
  });
});

describe('lock file', () => {
  it('holds pid and start time while fn runs, created exclusively, removed after', () => {
    const path = join(dir, 'state.json');
    const seen = withFileLock(path, () => JSON.parse(readFileSync(`${path}.lock`, 'utf8')));
    expect(seen.pid).toBe(process.pid);
    expect(Number.isNaN(Date.parse(seen.startedAt))).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('waits for a live holder and gives up with a message naming it', async () => {
    const path = join(dir, 'state.json');
    const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 30000)']);
    try {
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: child.pid, startedAt: '2026-11-23T00:00:00.000Z' }));
      let ran = false;
      expect(() => withFileLock(path, () => (ran = true), { timeoutMs: 100 })).toThrow(
        new RegExp(`locked by process ${child.pid}`),
      );
      expect(ran).toBe(false);
    } finally {
      child.kill();
    }
  });

  it('takes over a lock whose process is gone, and says so', () => {
    const path = join(dir, 'state.json');
    const pid = deadPid();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid, startedAt: '2026-11-23T00:00:00.000Z' }));
    const notices: unknown[] = [];
    expect(withFileLock(path, () => 'ran', { timeoutMs: 100, onTakeover: (h) => notices.push(h) })).toBe('ran');
    expect(notices).toEqual([{ pid, startedAt: '2026-11-23T00:00:00.000Z' }]);
  });
});

describe('model holder', () => {
  // the holder's debounce and max wait run on vitest's fake clock: exact, whatever the machine's load
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => void vi.useRealTimers());

  it('saves after a change, debounced, and flushes on demand', async () => {
    const f = new StateFile(join(dir, 'state.json'));
    const model = loadOrCreate(f, fakeFactory) as FakeModel;
    const holder = new ModelHolder(fakeFactory, f, model, { saveDelayMs: 30 });
    model.state.offsetMs = 1;
    model.dirty = true;
    holder.afterChange();
    model.state.offsetMs = 2;
    model.dirty = true;
    holder.afterChange();
    expect(JSON.parse(readFileSync(f.path, 'utf8')).offsetMs).toBe(0); // not yet: debounced
    vi.advanceTimersByTime(29);
    expect(JSON.parse(readFileSync(f.path, 'utf8')).offsetMs).toBe(0); // still within the delay
    vi.advanceTimersByTime(1);
    expect(JSON.parse(readFileSync(f.path, 'utf8')).offsetMs).toBe(2); // one write with the latest state
    model.state.offsetMs = 3;
    model.dirty = true;
    holder.afterChange();
    holder.flush();
    expect(JSON.parse(readFileSync(f.path, 'utf8')).offsetMs).toBe(3);
  });

  it('saves under sustained load too, at the latest after the max wait', async () => {
    const f = new StateFile(join(dir, 'state.json'));
    const model = loadOrCreate(f, fakeFactory) as FakeModel;
    const holder = new ModelHolder(fakeFactory, f, model, { saveDelayMs: 30, saveMaxWaitMs: 100 });
    const started = performance.now();
    let savedAt: number | undefined;
    for (let i = 1; i <= 40 && savedAt === undefined; i++) {
      model.state.offsetMs = i;
      model.dirty = true;
      holder.afterChange(); // a change every 10 ms: never a 30 ms pause
      vi.advanceTimersByTime(10);
      if (JSON.parse(readFileSync(f.path, 'utf8')).offsetMs > 0) savedAt = performance.now() - started;
    }
    // the fake clock: the max wait exactly, not "soon enough on this machine"
    expect(savedAt).toBe(100);
    holder.flush();
  });

  it('does not write when nothing changed', () => {
    const f = new StateFile(join(dir, 'state.json'));
    const model = loadOrCreate(f, fakeFactory);
    const before = statSync(f.path);
    const holder = new ModelHolder(fakeFactory, f, model);
    holder.afterChange();
    holder.flush();
    expect(statSync(f.path).ino).toBe(before.ino);
  });

  it('reloads before the next request when another process changed the file', () => {
    const path = join(dir, 'state.json');
    const f = new StateFile(path);
    const holder = new ModelHolder(fakeFactory, f, loadOrCreate(f, fakeFactory));
    expect((holder.current() as FakeModel).state.offsetMs).toBe(0);
    // another process: its own StateFile instance, its own write
    const other = new StateFile(path);
    const json = other.read().json as { offsetMs: number };
    other.write({ ...json, offsetMs: 86_400_000 });
    let reloaded = 0;
    holder.onReload = () => reloaded++;
    expect((holder.current() as FakeModel).state.offsetMs).toBe(86_400_000);
    expect(reloaded).toBe(1);
    holder.current();
    expect(reloaded).toBe(1); // its own state is not reloaded again
  });

  it('the fix the error names works: reset replaces a corrupt file (it is not read first)', async () => {
    const { resetState } = await import('../../../../src/sandbox/server/offline.js');
    const { realModelFactory } = await import('../../../../src/sandbox/index.js');
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"keys": [');
    const status = resetState(await realModelFactory(), path, 'demo');
    expect(status.stores.length).toBeGreaterThan(0);
    expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
  });
});
