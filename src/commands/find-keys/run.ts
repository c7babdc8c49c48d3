/**
 * kscli find-keys: the keys of a store with their aliases, oldest first. No API filters keys by
 * store, so the adapter pages ListKeys and describes the keys concurrently, paced under the
 * DescribeKey quota (aws-facts 2.5, 6): never one at a time like the AWS guide's shell loop.
 */
import type { Deps } from '../../deps.js';
import { aliasesByKey } from '../../workflow/key-selection.js';
import { recordKeysSeen, scanStoreKeys } from '../../workflow/store-session.js';
import { describeStoreOrDeleted } from '../../workflow/store-or-record.js';
import type { FindKeysResult } from '../../workflow/results.js';
import { compareText } from '../../util/text-order.js';
export type { FindKeysResult };

export async function runFindKeys(deps: Deps, storeId: string): Promise<FindKeysResult> {
  const store = await describeStoreOrDeleted(deps, storeId, 'find-keys');
  const keys = await scanStoreKeys(deps, storeId);
  const aliases = keys.length ? await aliasesByKey(deps.aws) : new Map<string, string[]>();
  await recordKeysSeen(deps, storeId, 'find-keys', keys);
  keys.sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime() || compareText(a.keyId, b.keyId));
  return { store, keys, aliases };
}
