/**
 * kscli find-keys <storeId>: every KMS key of the store. No API filters keys by store, so the
 * adapter pages ListKeys and describes the keys concurrently, paced under the DescribeKey quota
 * (aws-facts 2.5, 6): never one at a time like the AWS guide's shell loop.
 *
 * JSON (--output json), exactly:
 * {
 *   "schemaVersion": 1,
 *   "store": {"storeId", "name", "type", "connectionState", "connectionErrorCode"?, "clusterId", "creationDate"},
 *   "keys": [{"keyId", "arn", "state", "aliases": ["alias/x"], "creationDate": ISO, "deletionDate": ISO | null}]
 * }
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../cli.js';
import { writeJson } from '../ui/json.js';
import type { Body } from '../schemas/common.js';
import type { FindKeysDocument } from '../schemas/find-keys.js';
import { renderTable } from '../ui/table.js';
import { aliasesByKey } from '../workflow/key-selection.js';
import { validateStoreId } from '../workflow/validate.js';
import { describeStore, isJson, iso, recordKeysSeen, scanStoreKeys, storeJson, withDeps } from './common.js';

export const findKeysCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('find-keys')
      .argument('<storeId>', 'custom key store ID (cks-...)')
      .description('list every KMS key in a custom key store: state, aliases, creation and deletion dates')
      .addHelpText('after', '\nExample:\n  kscli find-keys cks-1234567890abcdef0\n  kscli find-keys cks-1234567890abcdef0 --output json | jq -r \'.keys[].keyId\'\n')
      .action((storeIdInput: string) => {
        const storeId = validateStoreId(storeIdInput);
        return withDeps(app, async (deps) => {
          const store = await describeStore(deps, storeId);
          const keys = await scanStoreKeys(deps, storeId);
          const aliases = keys.length ? await aliasesByKey(deps.aws) : new Map<string, string[]>();
          await recordKeysSeen(deps, storeId, 'find-keys', keys);
          keys.sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime() || a.keyId.localeCompare(b.keyId));
          if (isJson(deps)) {
            writeJson(deps.io.out, {
              store: storeJson(store),
              keys: keys.map((k) => ({ keyId: k.keyId, arn: k.arn, state: k.state, aliases: aliases.get(k.keyId) ?? [], creationDate: k.creationDate.toISOString(), deletionDate: iso(k.deletionDate) })),
            } satisfies Body<FindKeysDocument>);
            return 0;
          }
          deps.io.out.write(`${store.id} (${store.name}, ${store.type}, ${store.connectionState}): ${keys.length} key(s)\n`);
          if (keys.length) {
            deps.io.out.write(
              renderTable(
                ['KEY ID', 'STATE', 'ALIASES', 'CREATED', 'DELETION'],
                keys.map((k) => [k.keyId, k.state === 'PendingDeletion' ? deps.style.warn(k.state) : k.state, (aliases.get(k.keyId) ?? []).join(',') || '-', k.creationDate.toISOString(), k.deletionDate?.toISOString() ?? '-']),
              ),
            );
          }
          return 0;
        });
      });
  },
};
