/**
 * Reviewable plans end to end (issue 9): `--plan-out FILE` computes the plan and changes nothing;
 * `kscli apply FILE` applies exactly the plan's items, or refuses (exit 3, nothing changed) with
 * one line per difference when the world the plan was made from has moved; `kscli show FILE` and
 * `--output markdown` render the review document. Every refusal is checked against the sandbox's
 * request log: not one mutating call reached it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  EncryptCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  DEMO,
  expectExit,
  expectNoMutatingRequests,
  isMutatingRequest,
  readJournalDir,
  sdkClientConfig,
  startLanes,
  startServe,
  createWorkspace,
  type E2E,
  type RunResult,
} from './helpers/index.js';

const K = DEMO.keys;
/** the keys a schedule-deletion plan of the demo store schedules once the in-use key is left out */
const SCHEDULED = [K.unusedA, K.unusedB, K.disabled].sort();
let n = 0;

/**
 * What a test gets on its lane (helpers/lanes.ts): the lane's served sandbox, an SDK client per
 * service for "another actor", and the plan helpers bound to that sandbox. Each test starts from
 * the demo account; three tests run side by side (describe.concurrent), each on its own sandbox.
 */
function laneOf(t: E2E) {
  const kms = new KMSClient(sdkClientConfig(t.sandbox.url));
  const cw = new CloudWatchClient(sdkClientConfig(t.sandbox.url));
  const planPath = () => t.ws.path(`plan-${++n}.json`);

  async function makePlan(
    args: string[] = [],
    file = planPath(),
  ): Promise<{ file: string; r: RunResult; digest: string }> {
    const mark = t.sandbox.mark();
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.hsmStore,
      '--exclude-key',
      K.used,
      '--no-alarm',
      '--allow-data-loss',
      '--plan-out',
      file,
      '--output',
      'json',
      ...args,
    ]);
    expectExit(r, 0);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from --plan-out');
    const digest = JSON.parse(readFileSync(file, 'utf8')).digest as string;
    return { file, r, digest };
  }

  /** `kscli apply FILE` that must be refused: exit 3, each expected line on stderr, nothing changed. */
  async function expectRefused(file: string, lines: RegExp[], extra: string[] = [], call = {}) {
    const mark = t.sandbox.mark();
    const r = await t.kscli(['apply', file, '--yes', ...extra], call);
    expectExit(r, 3);
    for (const l of lines) expect(r.stderr, r.describe()).toMatch(l);
    expect(r.stderr).toMatch(/nothing was changed/);
    expectNoMutatingRequests(t.sandbox.requestsSince(mark), 'from a refused apply');
    return r;
  }

  return { kms, cw, planPath, makePlan, expectRefused };
}

const lanes = startLanes('plan-files', 3, laneOf);
// a test's time includes its wait for a free lane (at most one other test's run)
vi.setConfig({ testTimeout: 120_000 });
afterAll(() => lanes.stop());
/** a test on a lane of its own, reset to the demo account */
const onLane = (fn: Parameters<typeof lanes.run>[0]) => () => lanes.run(fn);

describe.concurrent('--plan-out: the plan is written, nothing is changed', () => {
  it(
    'writes a versioned, digest-sealed plan and prints the digest (exit 0, no mutating call)',
    onLane(async ({ makePlan }) => {
      const { file, r, digest } = await makePlan();
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      expect(doc).toMatchObject({
        schemaVersion: 1,
        kind: 'kscli-plan',
        command: 'schedule-deletion',
        storeId: DEMO.hsmStore,
        account: DEMO.account,
        region: DEMO.region,
        blocked: false,
      });
      expect(doc.callerArn).toMatch(/^arn:aws:/);
      expect(
        doc.items
          .filter((i: any) => i.status === 'apply')
          .map((i: any) => i.target)
          .sort(),
      ).toEqual(SCHEDULED);
      expect(doc.observations.keys).toHaveLength(5);
      expect(doc.observations.verdicts.map((v: any) => v.keyId).sort()).toEqual(SCHEDULED);
      // in the order evidenceOverrides lists them; --allow-data-loss because alias/reports-archive protects data
      expect(doc.overrides).toEqual([
        { flag: '--allow-data-loss', by: doc.callerArn },
        { flag: '--no-alarm', by: doc.callerArn },
      ]);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(r.json().planFile).toEqual({ path: file, digest });
      expect(r.json().outcome).toBe('dry-run');
      // human-diffable: pretty, keys sorted
      expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThan(50);
    }),
  );

  it(
    'table output prints where the plan went and its digest',
    onLane(async ({ t, planPath }) => {
      const file = planPath();
      const r = await t.kscli([
        'schedule-deletion',
        DEMO.hsmStore,
        '--exclude-key',
        K.used,
        '--no-alarm',
        '--allow-data-loss',
        '--plan-out',
        file,
        '--output',
        'table',
      ]);
      expectExit(r, 0);
      const digest = JSON.parse(readFileSync(file, 'utf8')).digest;
      expect(r.stdout).toContain(`plan written to ${file}`);
      expect(r.stdout).toContain(digest);
    }),
  );

  it(
    'a blocked plan is still written, marked blocked (exit 3), and apply refuses it',
    onLane(async ({ t, planPath, expectRefused }) => {
      const file = planPath();
      const mark = t.sandbox.mark();
      const r = await t.kscli([
        'schedule-deletion',
        DEMO.hsmStore,
        '--no-alarm',
        '--allow-data-loss',
        '--plan-out',
        file,
        '--output',
        'json',
      ]);
      expectExit(r, 3);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      expect(doc.blocked).toBe(true);
      expect(doc.blockedReasons.join('\n')).toContain(K.used);
      await expectRefused(file, [/the plan is blocked/]);
    }),
  );

  it(
    '--plan-out with --output markdown writes the file and prints the review document',
    onLane(async ({ t, planPath }) => {
      const file = planPath();
      const r = await t.kscli([
        'schedule-deletion',
        DEMO.hsmStore,
        '--exclude-key',
        K.used,
        '--no-alarm',
        '--allow-data-loss',
        '--plan-out',
        file,
        '--output',
        'markdown',
      ]);
      expectExit(r, 0);
      const md = r.stdout;
      expect(md.split('\n').filter((l) => /^## /.test(l))).toEqual(
        expect.arrayContaining(['## Keys (5)', '## Overrides', '## Alarm', '## What happens next', '## Integrity']),
      );
      expect(md.split('\n')[0]).toBe(`# Change plan: schedule-deletion ${DEMO.hsmStore}`);
      const keyRows = md.split('\n').filter((l) => Object.values(K).some((k) => l.startsWith(`| \`${k}\``)));
      expect(keyRows).toHaveLength(5);
      expect(md).toContain(JSON.parse(readFileSync(file, 'utf8')).digest);
      expect(md).not.toMatch(/<[a-z]/i);
    }),
  );

  it(
    '--plan-out is refused on a command that changes nothing (exit 2)',
    onLane(async ({ t, planPath }) => {
      const r = await t.kscli(['find-keys', DEMO.hsmStore, '--plan-out', planPath()]);
      expectExit(r, 2);
      expect(r.stderr).toMatch(/--plan-out/);
    }),
  );
});

describe.concurrent('kscli show FILE', () => {
  it(
    'verifies the digest and renders the plan as a table, JSON or Markdown',
    onLane(async ({ t, makePlan }) => {
      const { file, digest } = await makePlan();
      const table = await t.kscli(['show', file, '--output', 'table']);
      expectExit(table, 0);
      expect(table.stdout).toContain(digest);
      for (const k of SCHEDULED) expect(table.stdout).toContain(k);
      const json = await t.kscli(['show', file, '--output', 'json']);
      expectExit(json, 0);
      expect(json.json().digest).toBe(digest);
      const md = await t.kscli(['show', file, '--output', 'markdown']);
      expectExit(md, 0);
      expect(md.stdout).toMatch(/^# Change plan: schedule-deletion/);
    }),
  );
  it(
    'refuses a tampered file (exit 2)',
    onLane(async ({ t, makePlan }) => {
      const { file } = await makePlan();
      writeFileSync(file, readFileSync(file, 'utf8').replace('"PendingWindowInDays": 30', '"PendingWindowInDays": 7'));
      const r = await t.kscli(['show', file]);
      expectExit(r, 2);
      expect(r.stderr).toMatch(/was changed after it was made/);
    }),
  );
});

describe.concurrent('kscli apply FILE: an unchanged world', () => {
  it(
    'applies exactly the listed items, journals the digest on every line, and cannot be applied twice',
    onLane(async ({ t, makePlan, expectRefused }) => {
      const { file, digest } = await makePlan();
      const journalBefore = readJournalDir(t.ws.journalDir).length;
      const mark = t.sandbox.mark();
      const r = await t.kscli(['apply', file, '--yes', '--output', 'json']);
      expectExit(r, 0);
      const mutating = t.sandbox.requestsSince(mark).filter(isMutatingRequest);
      expect(mutating.map((q) => q.operation)).toEqual(SCHEDULED.map(() => 'ScheduleKeyDeletion'));
      expect(mutating.map((q) => q.params?.KeyId).sort()).toEqual(SCHEDULED);
      expect(mutating.every((q) => q.params?.PendingWindowInDays === 30)).toBe(true);
      const doc = r.json();
      expect(doc.command).toBe('schedule-deletion');
      expect(doc.planFile.digest).toBe(digest);
      const run = readJournalDir(t.ws.journalDir).slice(journalBefore);
      expect(run.filter((l) => l.operation === 'ScheduleKeyDeletion')).toHaveLength(2 * SCHEDULED.length);
      expect(run.every((l) => l.planDigest === digest)).toBe(true);
      // the keys are now PendingDeletion: the same plan no longer fits the world
      await expectRefused(file, [new RegExp(`key ${K.unusedA} was Enabled, is now PendingDeletion`)]);
    }),
  );

  it(
    'without --yes and without a terminal: exit 2 naming --yes, nothing changed',
    onLane(async ({ t, makePlan }) => {
      const { file } = await makePlan();
      const mark = t.sandbox.mark();
      const r = await t.kscli(['apply', file]);
      expectExit(r, 2);
      expect(r.stderr).toMatch(/--yes/);
      expectNoMutatingRequests(t.sandbox.requestsSince(mark));
    }),
  );
});

describe.concurrent(
  'kscli apply FILE refuses when the world moved (exit 3, one line per difference, nothing changed)',
  () => {
    it(
      'a key changed state',
      onLane(async ({ kms, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        await kms.send(new EnableKeyCommand({ KeyId: K.disabled }));
        await expectRefused(file, [new RegExp(`key ${K.disabled} was Disabled, is now Enabled`)]);
      }),
    );
    it(
      'a new key appeared in the store',
      onLane(async ({ kms, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        const created = await kms.send(
          new CreateKeyCommand({ CustomKeyStoreId: DEMO.hsmStore, Origin: 'AWS_CLOUDHSM' }),
        );
        await expectRefused(file, [new RegExp(`a new key appeared in the store: ${created.KeyMetadata!.KeyId}`)]);
      }),
    );
    it(
      'a key was scheduled for deletion by someone else',
      onLane(async ({ kms, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        await kms.send(new ScheduleKeyDeletionCommand({ KeyId: K.unusedB, PendingWindowInDays: 7 }));
        await expectRefused(file, [
          new RegExp(`key ${K.unusedB} was Enabled, is now PendingDeletion \\(deletion on \\d{4}-\\d{2}-\\d{2}\\)`),
        ]);
      }),
    );
    it(
      'a key was deleted since the plan (its waiting period ended)',
      onLane(async ({ t, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        await t.sandbox.advanceDays(6); // the demo's pending key is deleted after 5 days
        // the plan's age runs on the sandbox clock too (issue 23): 6 days is over the default
        // --max-age of 3d, which would refuse it first; 7d lets the drift comparison speak
        await expectRefused(
          file,
          [new RegExp(`key ${K.pending} no longer exists: deleted since the plan \\(it was PendingDeletion`)],
          ['--max-age', '7d'],
        );
      }),
    );
    it(
      'the store was disconnected',
      onLane(async ({ kms, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: DEMO.hsmStore }));
        await expectRefused(file, [new RegExp(`store ${DEMO.hsmStore} was CONNECTED, is now DISCONNECT(ING|ED)`)]);
      }),
    );
    it(
      'the alarm the plan rests on was removed',
      onLane(async ({ t, cw, planPath, expectRefused }) => {
        expectExit(await t.kscli(['alarm', DEMO.hsmStore, '--sns-topic-arn', DEMO.topicArn, '--yes']), 0);
        const file = planPath();
        expectExit(
          await t.kscli([
            'schedule-deletion',
            DEMO.hsmStore,
            '--exclude-key',
            K.used,
            '--allow-data-loss',
            '--plan-out',
            file,
            '--output',
            'json',
          ]),
          0,
        );
        expect(JSON.parse(readFileSync(file, 'utf8')).observations.alarm.alarm.alarmName).toBe(
          'kscli-kms-key-pending-deletion-use',
        );
        await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['kscli-kms-key-pending-deletion-use'] }));
        await expectRefused(file, [/the alarm kscli-kms-key-pending-deletion-use in us-east-1 was removed/]);
      }),
    );
    it(
      'new CloudTrail use flipped a verdict',
      onLane(async ({ kms, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        // unusedB, not unusedA: unusedA (alias/reports-archive) protects data, so its verdict before the
        // new use is protects-data, not unused
        await kms.send(new EncryptCommand({ KeyId: K.unusedB, Plaintext: Buffer.from('still needed') }));
        await expectRefused(file, [
          new RegExp(`verdict of ${K.unusedB} changed: unused → in-use \\(Encrypt \\d{4}-\\d{2}-\\d{2}`),
        ]);
      }),
    );
    it(
      'another region',
      onLane(async ({ makePlan, expectRefused }) => {
        const { file } = await makePlan();
        await expectRefused(
          file,
          [/the plan is for region us-east-1, but this run is in region eu-west-1/],
          ['--region', 'eu-west-1'],
        );
      }),
    );
    it(
      '--expected-account still works',
      onLane(async ({ t, makePlan }) => {
        const { file } = await makePlan();
        const mark = t.sandbox.mark();
        const r = await t.kscli(['apply', file, '--yes', '--expected-account', '444455556666']);
        expectExit(r, 3);
        expect(r.stderr).toMatch(/not the expected account 444455556666/);
        expectNoMutatingRequests(t.sandbox.requestsSince(mark));
      }),
    );
    it(
      'another caller, unless --allow-other-caller',
      onLane(async ({ t, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        const other = { extra: { AWS_ACCESS_KEY_ID: 'ASIAKSCLITESTOTHER01' } };
        await expectRefused(
          file,
          [
            /the plan was made by arn:aws:iam::111122223333:user\/sandbox-user, but you are arn:aws:sts::111122223333:assumed-role\/Admin\/kscli: pass --allow-other-caller/,
          ],
          [],
          other,
        );
        const r = await t.kscli(['apply', file, '--yes', '--allow-other-caller', '--dry-run'], other);
        expectExit(r, 0);
      }),
    );
    it(
      'a tampered file (exit 2) and an expired plan (exit 3)',
      onLane(async ({ t, makePlan, expectRefused }) => {
        const { file } = await makePlan();
        const copy = t.ws.path('tampered.json');
        copyFileSync(file, copy);
        writeFileSync(copy, readFileSync(copy, 'utf8').replace(`"target": "${K.unusedA}"`, `"target": "${K.used}"`));
        const mark = t.sandbox.mark();
        const r = await t.kscli(['apply', copy, '--yes']);
        expectExit(r, 2);
        expect(r.stderr).toMatch(/was changed after it was made/);
        expect(t.sandbox.requestsSince(mark)).toEqual([]); // refused before any AWS call
        await new Promise((res) => setTimeout(res, 1100));
        await expectRefused(file, [/older than --max-age 0m 1s/], ['--max-age', '1s']);
      }),
    );
  },
);

describe.concurrent('Ctrl-C during kscli apply', () => {
  it(
    'the call in flight finishes and is journalled with the digest, nothing more starts, exit 130',
    { timeout: 120_000 },
    onLane(async ({ t, makePlan }) => {
      const { file, digest } = await makePlan();
      await t.sandbox.setFaults({ slowMs: { ScheduleKeyDeletion: 2500 } });
      try {
        const mark = t.sandbox.mark();
        const journalBefore = readJournalDir(t.ws.journalDir).length;
        let pid = 0;
        const run = t.kscli(['apply', file, '--yes', '--output', 'json'], {
          timeoutMs: 60_000,
          onSpawn: (p) => (pid = p),
        });
        // Ctrl-C once the first ScheduleKeyDeletion is journalled as intended: kscli writes the
        // intent right before sending the call, which the sandbox then holds for 2.5 s. (The
        // request log shows a call only once answered and saved, too late on a loaded machine.)
        const intended = () =>
          readJournalDir(t.ws.journalDir)
            .slice(journalBefore)
            .some((l) => l.operation === 'ScheduleKeyDeletion' && l.phase === 'intent');
        const until = Date.now() + 30_000;
        while (!intended() && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
        process.kill(pid, 'SIGINT');
        const r = await run;
        expectExit(r, 130);
        const doc = r.json();
        expect(doc.outcome).toBe('interrupted');
        // the call in flight when Ctrl-C came finished; nothing after it started
        const done = doc.plan.filter((p: any) => p.result === 'done').map((p: any) => p.target);
        expect(doc.plan.filter((p: any) => p.result === 'not-run').length, r.describe()).toBeGreaterThan(0);
        const calls = t.sandbox.requestsSince(mark).filter((q) => q.operation === 'ScheduleKeyDeletion');
        expect(calls.map((q) => q.params?.KeyId).sort(), r.describe()).toEqual([...done].sort());
        const lines = readJournalDir(t.ws.journalDir).slice(journalBefore);
        expect(lines.filter((l) => l.operation === 'ScheduleKeyDeletion').map((l) => l.phase)).toEqual(
          done.flatMap(() => ['intent', 'outcome']),
        );
        expect(lines.every((l) => l.planDigest === digest)).toBe(true);
      } finally {
        await t.sandbox.setFaults({});
      }
    }),
  );
});

describe.concurrent('another account', () => {
  it(
    'a plan made in one account is refused in another, even for a store of the same ID',
    onLane(async ({ t, makePlan }) => {
      const { file } = await makePlan();
      const ws = createWorkspace('plan-files-other-account');
      try {
        const state = JSON.parse(readFileSync(t.sandbox.statePath, 'utf8'));
        state.accountId = '444455556666';
        writeFileSync(ws.statePath, JSON.stringify(state));
        const other = await startServe(ws);
        try {
          const before = other.mark();
          const r = await t.kscli(['--endpoint-url', other.url, 'apply', file, '--yes'], { endpoint: false });
          expectExit(r, 3);
          expect(r.stderr).toMatch(
            /the plan is for account 111122223333, but the credentials are for account 444455556666/,
          );
          expectNoMutatingRequests(other.requestsSince(before));
        } finally {
          await other.stop();
        }
      } finally {
        ws.remove();
      }
    }),
  );
});

describe.concurrent('delete-store plans cover one phase', () => {
  it(
    'phase 1 applied on an unchanged store schedules the keys and reports the next date (exit 8)',
    onLane(async ({ t, planPath }) => {
      const file = planPath();
      expectExit(
        await t.kscli([
          'delete-store',
          DEMO.hsmStore,
          '--exclude-key',
          K.used,
          '--no-alarm',
          '--allow-data-loss',
          '--plan-out',
          file,
          '--output',
          'json',
        ]),
        0,
      );
      expect(JSON.parse(readFileSync(file, 'utf8')).phase).toBe('schedule-keys');
      const r = await t.kscli(['apply', file, '--yes', '--output', 'json']);
      expectExit(r, 8);
      expect(r.json().outcome).toBe('pending');
      expect(r.json().nextRunAfter).toMatch(/^\d{4}-/);
    }),
  );
  it(
    'phase 1 applied after someone else scheduled the keys is refused, re-doing nothing',
    onLane(async ({ t, kms, planPath, expectRefused }) => {
      const file = planPath();
      expectExit(
        await t.kscli([
          'delete-store',
          DEMO.hsmStore,
          '--exclude-key',
          K.used,
          '--no-alarm',
          '--allow-data-loss',
          '--plan-out',
          file,
          '--output',
          'json',
        ]),
        0,
      );
      for (const k of SCHEDULED) await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k, PendingWindowInDays: 7 }));
      const r = await expectRefused(
        file,
        SCHEDULED.map((k) => new RegExp(`key ${k} was (Enabled|Disabled), is now PendingDeletion`)),
      );
      expect(r.stderr).not.toMatch(/ScheduleKeyDeletion.*done/);
    }),
  );
});

describe.concurrent('kscli usage --output markdown', () => {
  it(
    'one heading per section and one table row per key',
    onLane(async ({ t }) => {
      const r = await t.kscli(['usage', DEMO.hsmStore, '--output', 'markdown']);
      expectExit(r, 0);
      expect(r.stdout.split('\n')[0]).toBe(`# Key usage: ${DEMO.hsmStore}`);
      const rows = r.stdout.split('\n').filter((l) => Object.values(K).some((k) => l.startsWith(`| \`${k}\``)));
      expect(rows).toHaveLength(5);
      expect(r.stdout).toMatch(/^## Evidence per key$/m);
    }),
  );
});
