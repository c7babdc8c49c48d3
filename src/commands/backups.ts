/**
 * kscli backups <storeId> [--delete]: CloudHSM cluster backups that may still hold the store's key
 * material (src/workflow/backups.ts). With --delete, READY ones are deleted after confirmation (a
 * mutating plan like the others); they stay restorable for 7 days (PENDING_DELETION), and deleting a
 * backup also removes every other key and user it holds. While the store still holds keys, the
 * backups are their recovery copies: deleting them is blocked unless --force.
 *
 * JSON (--output json), report:
 * {"schemaVersion": 1, "store": {...}, "clusterIds": [...], "since": ISO, "sinceSource": "journal" | "keys" | "store-creation",
 *  "backups": [{"backupId", "clusterId", "state", "createTimestamp", "deleteTimestamp", "neverExpires", "mayHoldKeyMaterial", "reason"}],
 *  "warnings": [...]}
 * with --delete: the mutating-command document (see schedule-deletion.ts), "command": "backups",
 * plan actions "DeleteBackup".
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { KscliError, ExitCode } from '../errors.js';
import { writeJson } from '../ui/json.js';
import type { Body } from '../schemas/common.js';
import type { BackupsDocument } from '../schemas/reports.js';
import { backupsReport, planBackupDeletion } from '../workflow/backups.js';
import { validateStoreId } from '../workflow/validate.js';
import { describeStore, isJson, journalFor, recordKeysSeen, scanStoreKeys, storeJson, withDeps } from './common.js';
import { backupsJson, renderBackups } from './reports.js';
import { runMutating } from './run-plan.js';

const notCloudHsm = (storeId: string) =>
  `${storeId} is an external key store: it has no cluster and no backups (KMS never holds external key material)`;

export const backupsCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('backups')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description("CloudHSM cluster backups that may still hold the store's key material (--delete removes READY ones)")
      .option('--delete', 'delete the READY backups that may hold key material (restorable for 7 days)', false)
      .option('--force', 'with --delete: delete them even though the store still holds keys (their recovery copies)', false)
      .addHelpText('after', '\nExamples:\n  kscli backups cks-1234567890abcdef0\n  kscli backups cks-1234567890abcdef0 --delete --dry-run\n')
      .action((storeIdInput: string, opts: { delete?: boolean; force?: boolean }) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          if (opts.delete) {
            return runMutating(deps, {
              command: 'backups',
              storeId,
              plan: async (ctx, keys, journal) => {
                if (ctx.store.type !== 'AWS_CLOUDHSM') throw new KscliError(ExitCode.Blocked, notCloudHsm(storeId));
                const report = await backupsReport(deps.aws, ctx.store, keys, journal.keysSeen());
                return planBackupDeletion(ctx, report, keys.length, Boolean(opts.force));
              },
            });
          }
          const store = await describeStore(deps, storeId);
          if (store.type !== 'AWS_CLOUDHSM') {
            if (isJson(deps)) writeJson(deps.io.out, { store: storeJson(store), clusterIds: [], backups: [], warnings: [notCloudHsm(storeId)] } satisfies Body<BackupsDocument>);
            else deps.io.out.write(`${notCloudHsm(storeId)}\n`);
            return 0;
          }
          const keys = await scanStoreKeys(deps, storeId);
          await recordKeysSeen(deps, storeId, 'backups', keys);
          let seen: ReturnType<ReturnType<typeof journalFor>['keysSeen']> = [];
          try {
            const id = await deps.identity();
            seen = journalFor(deps, id.account, id.arn, storeId, 'backups').keysSeen();
          } catch (err) {
            deps.debug(`journal not read: ${(err as Error).message}`);
          }
          const report = await backupsReport(deps.aws, store, keys, seen);
          if (isJson(deps)) writeJson(deps.io.out, { store: storeJson(store), ...backupsJson(report) } satisfies Body<BackupsDocument>);
          else deps.io.out.write(renderBackups(deps, report));
          return 0;
        });
      });
  },
};
