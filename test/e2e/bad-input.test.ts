/**
 * The bad-input corpus (issue 6, item 5): each case runs the built binary against
 * `kscli sandbox serve` and must end with
 * - the documented exit code (architecture.md section 5: 1 network, 2 bad input, 3 blocked,
 *   4 credentials),
 * - a first stderr line naming the problem, the fix somewhere in the (short) message,
 * - no stack trace (`    at ...` lines) without --debug,
 * - no mutating request in the sandbox's request log,
 * - and nothing changed (issue 12): the served account, the journal and lock directories and every
 *   other file of the workspace (the corrupt and spare state files the sandbox cases use) have the
 *   same digest after the run as before. A third of the cases never reach the served sandbox, so
 *   its request log alone cannot say that they changed nothing.
 *
 * Where a case could destroy something if its check were missing, it is run on a mutating command
 * with `--yes` and the overrides (e.g. schedule-deletion --yes --allow-in-use --allow-data-loss --no-alarm): a missing
 * check then shows up as a mutating request, not only as a wrong exit code.
 *
 * Cases run in order, one at a time, so that each one's slice of the request log is its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  DEMO,
  expectCleanError,
  expectNoMutatingRequests,
  startE2E,
  type E2E,
  type Env,
  type EnvOptions,
} from './helpers/index.js';
import { worldDigest } from './helpers/world-digest.js';

let t: E2E;
/** a key of the external store: a real key, but outside the CloudHSM store */
let otherStoreKey: string;

beforeAll(async () => {
  t = await startE2E('bad-input', {}, { runner: 'child' });
  const r = await t.kscli(['find-keys', DEMO.xksStore, '--output', 'json']);
  otherStoreKey = r.json().keys[0].keyId;
  writeFileSync(t.ws.path('corrupt-state.json'), '{"this is": not json');
  writeFileSync(t.ws.path('a-file'), 'not a directory');
  mkdirSync(t.ws.path('empty-home'), { recursive: true });
});
afterAll(async () => {
  await t?.stop();
});

const S = DEMO.hsmStore;
/** a mutating command with every override: only input validation stands between it and AWS */
const SCHEDULE = ['schedule-deletion', S, '--yes', '--allow-in-use', '--allow-data-loss', '--no-alarm'];
const BAD_STORE = /not a custom key store ID/;
const STORE_FIX = /cks-.*17 .*hex/;
const WINDOW_FIX = /7 (to|-) ?30|7.30/;

interface Case {
  name: string;
  args: () => string[];
  code: 1 | 2 | 3 | 4;
  /** the first stderr line must match */
  problem: RegExp | (() => RegExp);
  /** the whole stderr must match */
  fix?: RegExp;
  /** env options, or a whole env (replaces the default one) */
  env?: () => EnvOptions | { whole: Env };
  /** false: no --endpoint-url (sandbox subcommands, --sandbox, endpoint cases) */
  endpoint?: boolean;
  maxLines?: number;
  timeoutMs?: number;
}

const c = (
  name: string,
  args: string[] | (() => string[]),
  code: Case['code'],
  problem: Case['problem'],
  more: Partial<Case> = {},
): Case => ({
  name,
  args: typeof args === 'function' ? args : () => args,
  code,
  problem,
  ...more,
});

const CASES: Case[] = [
  // --- malformed store IDs, across the commands (exit 2 before any AWS call) ---
  c('store ID too short: cks-123', ['find-keys', 'cks-123'], 2, BAD_STORE, { fix: STORE_FIX }),
  c(
    'store ID in upper case, one digit short: CKS-...',
    ['delete-store', 'CKS-1234567890ABCDEF', '--yes'],
    2,
    BAD_STORE,
    {
      fix: STORE_FIX,
    },
  ),
  c('store ID with 16 hex digits', ['schedule-deletion', 'cks-1234567890abcdef', '--yes'], 2, BAD_STORE, {
    fix: STORE_FIX,
  }),
  c('store ID with 18 hex digits', ['disconnect-store', 'cks-1234567890abcdef01', '--yes'], 2, BAD_STORE, {
    fix: STORE_FIX,
  }),
  c('store ID with a non-hex digit', ['cancel-deletion', 'cks-123456789zabcdef0', '--yes'], 2, BAD_STORE, {
    fix: STORE_FIX,
  }),
  c('empty store ID', ['usage', ''], 2, BAD_STORE, { fix: STORE_FIX }),
  c('store ID "cks-" alone', ['alarm', 'cks-', '--yes'], 2, BAD_STORE, { fix: STORE_FIX }),
  c('store ID with a trailing space', ['backups', `${S} `, '--delete', '--yes'], 2, BAD_STORE, { fix: STORE_FIX }),
  c('store ID without the cks- prefix', ['orphans', '1234567890abcdef0'], 2, BAD_STORE, { fix: STORE_FIX }),
  c(
    'an alias ARN where a store ID is required',
    ['find-keys', 'arn:aws:kms:us-east-1:111122223333:alias/payments-legacy'],
    2,
    BAD_STORE,
    { fix: STORE_FIX },
  ),
  c('a key ID where a store ID is required', ['delete-store', DEMO.keys.unusedA, '--yes'], 2, BAD_STORE, {
    fix: STORE_FIX,
  }),
  c('a path where a store ID is required', ['delete-store', '../../etc/passwd', '--yes'], 2, BAD_STORE, {
    fix: STORE_FIX,
  }),
  c(
    'a well-formed store ID that does not exist: blocked, naming store, region and account',
    ['delete-store', 'cks-00000000000000000', '--yes'],
    3,
    /cks-00000000000000000.*us-east-1|cks-00000000000000000.*111122223333/,
    {
      fix: /kscli stores|--region/,
    },
  ),

  // --- key IDs and ARNs (--key / --exclude-key) ---
  c(
    'key ID one digit short',
    [...SCHEDULE, '--key', '1234abcd-12ab-34cd-56ef-1234567890a'],
    2,
    /1234abcd-12ab-34cd-56ef-1234567890a/,
    { fix: /key ID|key ARN|alias/ },
  ),
  c(
    'key ID without dashes',
    [...SCHEDULE, '--key', '1234abcd12ab34cd56ef1234567890ab'],
    2,
    /1234abcd12ab34cd56ef1234567890ab/,
    { fix: /key ID|key ARN/ },
  ),
  c('key ID with non-hex characters', [...SCHEDULE, '--key', 'zzzzzzzz-12ab-34cd-56ef-1234567890ab'], 2, /zzzzzzzz/, {
    fix: /key ID|key ARN/,
  }),
  c('key ARN of another region', [...SCHEDULE, '--key', DEMO.keyArn(DEMO.keys.unusedA, 'eu-west-1')], 2, /eu-west-1/, {
    fix: /--region eu-west-1|us-east-1/,
  }),
  c(
    'key ARN of another account',
    [...SCHEDULE, '--key', DEMO.keyArn(DEMO.keys.unusedA, 'us-east-1', '999999999999')],
    2,
    /999999999999/,
    { fix: /111122223333/ },
  ),
  c(
    'key ARN whose key part is not a key ID',
    [...SCHEDULE, '--key', 'arn:aws:kms:us-east-1:111122223333:key/not-a-uuid'],
    2,
    /not-a-uuid/,
  ),
  c(
    'alias ARN of another account',
    [...SCHEDULE, '--key', 'arn:aws:kms:us-east-1:999999999999:alias/payments-legacy'],
    2,
    /999999999999/,
    { fix: /111122223333/ },
  ),
  c(
    'alias ARN of another region',
    [...SCHEDULE, '--key', 'arn:aws:kms:eu-west-1:111122223333:alias/payments-legacy'],
    2,
    /eu-west-1/,
  ),
  c('alias with an empty name', [...SCHEDULE, '--key', 'alias/'], 2, /alias\//, { fix: /key ID|alias\/name/ }),
  c(
    'an alias that does not exist (resolved with DescribeKey): blocked, naming it',
    [...SCHEDULE, '--key', 'alias/does-not-exist'],
    3,
    /blocked|alias\/does-not-exist/,
    { fix: /alias\/does-not-exist.*(not exist|not found)/ },
  ),
  c(
    'a key ID that does not exist: blocked, naming it',
    [...SCHEDULE, '--key', '11111111-2222-3333-4444-555555555555'],
    3,
    /blocked|11111111-2222-3333-4444-555555555555/,
    {
      fix: /11111111-2222-3333-4444-555555555555.*(not exist|not found)/,
    },
  ),
  c(
    'a key of another store: refused, nothing else scheduled',
    () => [...SCHEDULE, '--key', otherStoreKey],
    3,
    /blocked|not in/,
    { fix: /--key|--exclude-key/ },
  ),
  c('malformed --exclude-key', [...SCHEDULE, '--exclude-key', 'not-a-key'], 2, /not-a-key/, {
    fix: /key ID|key ARN|alias/,
  }),
  c('malformed --key on cancel-deletion', ['cancel-deletion', S, '--yes', '--key', 'garbage!'], 2, /garbage!/),
  c(
    'key ARN of another region on usage',
    ['usage', S, '--key', DEMO.keyArn(DEMO.keys.used, 'ap-south-1')],
    2,
    /ap-south-1/,
  ),

  // --- windows outside 7-30 ---
  ...['0', '6', '31', '-1', 'abc', '7.5', ''].map((w) =>
    c(`--window-days ${JSON.stringify(w)}`, [...SCHEDULE, '--window-days', w], 2, /--window-days/, { fix: WINDOW_FIX }),
  ),
  c(
    '--window-days 31 on delete-store',
    ['delete-store', S, '--yes', '--allow-in-use', '--allow-data-loss', '--window-days', '31'],
    2,
    /--window-days/,
    { fix: WINDOW_FIX },
  ),

  // --- other numbers and durations ---
  c(
    'usage --days 91 --evidence api (CloudTrail keeps 90)',
    ['usage', S, '--days', '91', '--evidence', 'api'],
    2,
    /--days 91 with --evidence api.*90 days/,
    { fix: /--evidence auto or logs/ },
  ),
  c('usage --days 3651 (ten years at most)', ['usage', S, '--days', '3651'], 2, /--days/, { fix: /3650/ }),
  c(
    'usage --evidence cloudtrail',
    ['usage', S, '--evidence', 'cloudtrail'],
    2,
    /--evidence "cloudtrail" must be one of auto, logs, api/,
  ),
  c(
    'usage --log-group-arn of a bucket',
    ['usage', S, '--log-group-arn', 'arn:aws:s3:::bucket'],
    2,
    /--log-group-arn .* is not a log group ARN/,
    { fix: /arn:aws:logs:REGION:ACCOUNT:log-group:NAME/ },
  ),
  c('usage --days 0', ['usage', S, '--days', '0'], 2, /--days/),
  c(
    'disconnect-store --wait-timeout abc',
    ['disconnect-store', DEMO.xksStore, '--yes', '--force', '--wait-timeout', 'abc'],
    2,
    /--wait-timeout/,
    { fix: /90s|30m/ },
  ),
  c(
    '--expected-account of 5 digits',
    ['delete-store', DEMO.idleStore, '--yes', '--expected-account', '12345'],
    2,
    /--expected-account/,
    { fix: /12-digit/ },
  ),
  c(
    '--expected-account of letters',
    ['delete-store', DEMO.idleStore, '--yes', '--expected-account', 'abcdefghijkl'],
    2,
    /--expected-account/,
    { fix: /12-digit/ },
  ),
  c('--max-rps with a zero rate', ['find-keys', S, '--max-rps', 'DescribeKey=0'], 2, /--max-rps/),
  c('--max-rps of an unknown operation', ['find-keys', S, '--max-rps', 'Frobnicate=5'], 2, /Frobnicate/),

  // --- unknown and conflicting flags, unknown commands ---
  c('unknown flag', ['find-keys', S, '--frobnicate'], 2, /unknown option.*--frobnicate/, { fix: /--help/ }),
  c('unknown global flag before the command', ['--frobnicate', 'find-keys', S], 2, /unknown option.*--frobnicate/, {
    fix: /--help/,
  }),
  c('--output xml', ['find-keys', S, '--output', 'xml'], 2, /xml/, { fix: /table|json/ }),
  c('unknown command', ['frobnicate', S], 2, /unknown command.*frobnicate/, { fix: /--help/ }),
  c(
    'sandbox advance with both --days and --hours',
    () => ['sandbox', 'advance', '--days', '1', '--hours', '1', '--state', t.ws.path('spare-state.json')],
    2,
    /--days.*--hours|--hours.*--days/,
    { endpoint: false },
  ),
  c(
    'sandbox advance --days -3',
    () => ['sandbox', 'advance', '--days', '-3', '--state', t.ws.path('spare-state.json')],
    2,
    /--days/,
    { endpoint: false },
  ),
  c(
    'sandbox reset --scenario demo --keys 5',
    () => ['sandbox', 'reset', '--scenario', 'demo', '--keys', '5', '--state', t.ws.path('spare-state.json')],
    2,
    /--keys/,
    { endpoint: false },
  ),
  c(
    'sandbox reset --scenario huge',
    () => ['sandbox', 'reset', '--scenario', 'huge', '--state', t.ws.path('spare-state.json')],
    2,
    /huge/,
    { endpoint: false, fix: /demo|large/ },
  ),

  // --- missing arguments ---
  c('find-keys without a store', ['find-keys'], 2, /missing required argument/, { fix: /--help/ }),
  c('delete-store --yes without a store', ['delete-store', '--yes'], 2, /missing required argument/, { fix: /--help/ }),
  c(
    '--key without a value',
    ['schedule-deletion', S, '--yes', '--key'],
    2,
    /--key.*argument missing|argument missing.*--key/,
  ),
  c('--endpoint-url without a value', ['find-keys', S, '--endpoint-url'], 2, /--endpoint-url/, { endpoint: false }),

  // --- credentials, profile, region, endpoint ---
  c('a profile that does not exist (no other credentials)', ['--profile', 'nope', 'find-keys', S], 4, /nope/, {
    env: () => ({ credentials: false }),
    fix: /profile|aws configure|sso/,
  }),
  c(
    'a profile that does not exist, with credentials in the environment too',
    ['--profile', 'nope', 'find-keys', S],
    4,
    /nope/,
    { fix: /profile|aws configure|sso/ },
  ),
  c('AWS_PROFILE naming a profile that does not exist', ['find-keys', S], 4, /nope/, {
    env: () => ({ credentials: false, extra: { AWS_PROFILE: 'nope' } }),
  }),
  c('no credentials in the environment and no AWS files', ['find-keys', S], 4, /credentials/, {
    env: () => ({ credentials: false }),
    fix: /--profile|AWS_PROFILE|sso login|--sandbox/,
  }),
  c('an empty environment: no AWS variables, a HOME without ~/.aws', ['find-keys', S], 4, /credentials/, {
    env: () => ({ whole: { PATH: process.env.PATH, HOME: t.ws.path('empty-home') } }),
    fix: /--profile|AWS_PROFILE|sso login|--sandbox/,
  }),
  c(
    'an endpoint that refuses connections',
    ['--endpoint-url', 'http://127.0.0.1:1', 'find-keys', S],
    1,
    /127\.0\.0\.1:1/,
    { endpoint: false, fix: /--endpoint-url|network/, timeoutMs: 30_000 },
  ),
  c('a malformed endpoint URL', ['--endpoint-url', 'not a url', 'find-keys', S], 2, /not a url/, {
    endpoint: false,
    fix: /http/,
  }),
  c(
    'an endpoint URL of another scheme',
    ['--endpoint-url', 'ftp://127.0.0.1:21', 'find-keys', S],
    2,
    /ftp:\/\/127\.0\.0\.1:21/,
    { endpoint: false, fix: /http/ },
  ),
  c('a malformed AWS_ENDPOINT_URL', ['find-keys', S], 2, /AWS_ENDPOINT_URL/, {
    endpoint: false,
    env: () => ({ extra: { AWS_ENDPOINT_URL: '::garbage::' } }),
    fix: /http/,
  }),
  c('a bad region: nowhere', ['--region', 'nowhere', 'find-keys', S], 2, /nowhere/, { fix: /us-east-1/ }),
  c('a bad region: upper case', ['--region', 'US-EAST-1', 'find-keys', S], 2, /US-EAST-1/, {
    fix: /lower case|us-east-1/,
  }),
  c('a bad AWS_REGION', ['find-keys', S], 2, /bogus!/, {
    env: () => ({ extra: { AWS_REGION: 'bogus!' } }),
    fix: /us-east-1/,
  }),

  // --- a corrupt sandbox state file ---
  c(
    'sandbox status on a corrupt state file',
    () => ['sandbox', 'status', '--state', t.ws.path('corrupt-state.json')],
    2,
    /corrupt-state\.json/,
    { endpoint: false, fix: /sandbox reset/ },
  ),
  c(
    '--sandbox with KSCLI_SANDBOX_STATE pointing at a corrupt file',
    ['find-keys', S, '--sandbox'],
    2,
    /corrupt-state\.json/,
    {
      endpoint: false,
      env: () => ({ credentials: false, extra: { KSCLI_SANDBOX_STATE: t.ws.path('corrupt-state.json') } }),
      fix: /sandbox reset/,
    },
  ),

  // --- a journal that cannot be written (checked before anything changes) ---
  c('--journal under /proc', ['delete-store', DEMO.idleStore, '--yes', '--journal', '/proc/x/y'], 2, /\/proc\/x\/y/, {
    timeoutMs: 10_000,
  }),
  c(
    '--journal under a regular file',
    () => ['delete-store', DEMO.idleStore, '--yes', '--journal', t.ws.path('a-file/journal.jsonl')],
    2,
    /a-file/,
  ),
  c(
    '--journal that is a directory',
    () => ['delete-store', DEMO.idleStore, '--yes', '--journal', t.ws.dir],
    2,
    /journal|kscli-bad-input/,
  ),
];

describe(`bad input corpus (${CASES.length} cases): one clean line, the documented exit code, nothing mutated`, () => {
  it('has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  for (const k of CASES) {
    it(k.name, async () => {
      const mark = t.sandbox.mark();
      const before = await worldDigest(t);
      const envSpec = k.env?.();
      const call = envSpec && 'whole' in envSpec ? { env: envSpec.whole } : (envSpec ?? {});
      const r = await t.kscli(k.args(), { ...call, endpoint: k.endpoint, timeoutMs: k.timeoutMs ?? 30_000 });
      expectCleanError(r, {
        code: k.code,
        problem: typeof k.problem === 'function' ? k.problem() : k.problem,
        fix: k.fix,
        maxLines: k.maxLines,
      });
      expectNoMutatingRequests(t.sandbox.requestsSince(mark), `from: kscli ${r.args.join(' ')}`);
      const after = await worldDigest(t);
      expect(after.account, 'the served account changed').toBe(before.account);
      expect(after.files, 'a file of the workspace (journal, lock, state files) changed').toEqual(before.files);
    });
  }

  it('the digests see a change: the account and a journal call line after a real run, a state file written', async () => {
    const before = await worldDigest(t);
    const r = await t.kscli([
      'schedule-deletion',
      DEMO.xksStore,
      '--yes',
      '--allow-in-use',
      '--allow-data-loss',
      '--allow-unknown-usage',
      '--no-alarm',
      '--key',
      otherStoreKey,
    ]);
    expect(r.code, r.describe()).toBe(0);
    const after = await worldDigest(t);
    expect(after.account).not.toBe(before.account);
    expect(after.files.filter((l) => l.includes('.kscli/journal/'))).not.toEqual(
      before.files.filter((l) => l.includes('.kscli/journal/')),
    );
    writeFileSync(t.ws.path('spare-state.json'), '{}');
    expect((await worldDigest(t)).files).not.toEqual(after.files);
  });

  it('with --debug a bad input still exits 2, with the same first line', async () => {
    const r = await t.kscli(['find-keys', 'cks-123', '--debug']);
    expect(r.code, r.describe()).toBe(2);
    expect(r.stderrLines[0]).toMatch(BAD_STORE);
  });
});
