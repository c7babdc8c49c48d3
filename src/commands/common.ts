/**
 * What every command shares: building Deps around the action, the store argument, the key
 * selection flags, the evidence flags, and the read-only store context.
 */
import type { Command } from 'commander';
import type { App } from '../cli.js';
import { createDeps, type Deps } from '../deps.js';
import { AwsCallError, ExitCode, KscliError } from '../errors.js';
import type { KeyInfo, StoreInfo } from '../aws/ports.js';
import type { EvidenceOptions } from '../workflow/evidence-port.js';
import { describeStoreOrFail, listStoreKeys } from '../workflow/inventory.js';
import { defaultJournalPath, Journal } from '../workflow/journal.js';
import { parseKeyRef, parsePositiveInt, validateAccountId, validateStoreId, type KeyRef } from '../workflow/validate.js';

/**
 * Runs a command action with Deps; the returned number becomes the exit code. `outputs`: the
 * --output formats beyond table and json the command renders (csv, markdown); others are refused.
 */
export async function withDeps(app: App, action: (deps: Deps) => Promise<number>, outputs: ReadonlyArray<'csv' | 'markdown'> = []): Promise<void> {
  const output = app.globals().output;
  if ((output === 'csv' || output === 'markdown') && !outputs.includes(output)) {
    throw new KscliError(ExitCode.BadInput, `--output ${output} is offered by kscli inventory only`, 'use --output table or --output json here');
  }
  const expected = app.globals().expectedAccount;
  if (expected !== undefined) validateAccountId(expected); // bad input: before any AWS call
  const deps = await createDeps(app);
  try {
    app.setExitCode(await action(deps));
  } catch (err) {
    // an AWS answer no step explains: one line naming the call (the stack only with --debug)
    if (err instanceof AwsCallError) {
      throw new KscliError(ExitCode.Failure, `${err.operation} failed: ${err.code}: ${err.message}`, 'run again with --debug for details', { cause: err });
    }
    throw err;
  } finally {
    await deps.close();
  }
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addKeyOptions(cmd: Command): Command {
  return cmd
    .option('--key <id|arn|alias>', `only this key (repeatable); default: every key of the store`, collect, [])
    .option('--exclude-key <id|arn|alias>', `leave this key out (repeatable)`, collect, []);
}

export function parseKeyOptions(opts: { key?: string[]; excludeKey?: string[] }, region: string): { include: KeyRef[]; exclude: KeyRef[] } {
  return {
    include: (opts.key ?? []).map((k) => parseKeyRef(k, region)),
    exclude: (opts.excludeKey ?? []).map((k) => parseKeyRef(k, region)),
  };
}

/** The evidence flags of schedule-deletion and delete-store (issue 3). */
export function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .option('--allow-in-use', 'schedule keys whose usage verdict is in-use (recorded in the journal)', false)
    .option('--allow-unknown-usage', 'schedule keys whose usage cannot be established (recorded in the journal)', false)
    .option('--no-alarm', 'do not require the pending-deletion alarm (recorded in the journal)')
    .option('--sns-topic-arn <arn>', 'SNS topic the pending-deletion alarm notifies')
    .option('--log-group <name>', 'CloudWatch Logs group of the trail to put the metric filter on')
    .option('--days <n>', 'CloudTrail history to examine, in days (max 90)')
    .option('--unused-days <n>', 'a key unused for this many days counts as unused (default 90)');
}

export function parseEvidenceOptions(opts: Record<string, unknown>): EvidenceOptions {
  return {
    allowInUse: Boolean(opts.allowInUse),
    allowUnknownUsage: Boolean(opts.allowUnknownUsage),
    alarm: opts.alarm !== false,
    snsTopicArn: opts.snsTopicArn as string | undefined,
    logGroup: opts.logGroup as string | undefined,
    days: parsePositiveInt(opts.days as string | undefined, '--days', 90),
    unusedDays: parsePositiveInt(opts.unusedDays as string | undefined, '--unused-days', 3650),
  };
}

export function storeIdArg(value: string): string {
  return validateStoreId(value);
}

/** The account for messages and journal names (STS), or undefined when STS cannot answer. */
export async function accountOrUndefined(deps: Deps): Promise<string | undefined> {
  try {
    return (await deps.identity()).account;
  } catch {
    return undefined;
  }
}

/** The journal of a store; --journal overrides the default path. */
export function journalFor(deps: Deps, account: string, callerArn: string, storeId: string, command: string): Journal {
  const path = deps.globals.journal ?? defaultJournalPath(deps.home, account, deps.region, storeId);
  return new Journal(path, { account, region: deps.region, callerArn, command }, () => deps.clock.now(), !deps.globals.journal);
}

/** Scans the keys of the store with a progress bar on a TTY. */
export async function scanStoreKeys(deps: Deps, storeId: string, label = 'scanning keys'): Promise<KeyInfo[]> {
  const bar = deps.progress.bar(label);
  try {
    return await listStoreKeys(deps.aws, storeId, (done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
}

/**
 * Records the keys kscli sees in the journal (so `backups` can judge backups after the keys are
 * gone). Best effort for read-only commands: a journal that cannot be written is a warning there.
 */
export async function recordKeysSeen(deps: Deps, storeId: string, command: string, keys: KeyInfo[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    const id = await deps.identity();
    const journal = journalFor(deps, id.account, id.arn, storeId, command);
    journal.ensureWritable();
    journal.recordKeysSeen(keys);
  } catch (err) {
    deps.debug(`journal not updated with the keys seen: ${(err as Error).message}`);
  }
}

export async function describeStore(deps: Deps, storeId: string): Promise<StoreInfo> {
  return describeStoreOrFail(deps.aws, storeId, () => accountOrUndefined(deps));
}

export function isJson(deps: Deps): boolean {
  return deps.globals.output === 'json';
}

export const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** A command flag error discovered after parsing (exit 2). */
export function flagError(message: string, hint?: string): KscliError {
  return new KscliError(ExitCode.BadInput, message, hint);
}

/** A store as every JSON document shows it. */
export function storeJson(s: StoreInfo): Record<string, unknown> {
  return {
    storeId: s.id,
    name: s.name,
    type: s.type,
    connectionState: s.connectionState,
    ...(s.connectionErrorCode ? { connectionErrorCode: s.connectionErrorCode } : {}),
    clusterId: s.clusterId ?? null,
    creationDate: s.creationDate.toISOString(),
  };
}
