/**
 * Which keys of the store a command acts on: all of them, or the ones named with --key, minus
 * --exclude-key. Every named key gets a line: a --key that is not in this store (or does not exist)
 * is a BLOCKED line, so the whole run changes nothing (issue 2: "a --key outside it is refused, and
 * nothing else is scheduled in that run"). An --exclude-key that matches no key of the store is
 * blocked too: it is most likely a typo in the ID of the key the operator meant to protect
 * (cloud-nuke's lesson: a protection filter that silently matches nothing deleted protected keys).
 */
import type { AwsPorts, KeyInfo } from '../aws/ports.js';
import type { PlanItem } from './plan.js';
import type { KeyRef } from '../input/validate.js';

export interface Selection {
  /** the store keys in scope */
  selected: KeyInfo[];
  /** store keys left out with --exclude-key (each gets a skip line) */
  excluded: KeyInfo[];
  /** a line for every named key that cannot be acted on */
  refused: PlanItem[];
}

async function resolveRef(aws: AwsPorts, ref: KeyRef, storeKeys: KeyInfo[]): Promise<KeyInfo | null> {
  if (ref.kind !== 'alias') {
    const inStore = storeKeys.find((k) => k.keyId === ref.keyId);
    if (inStore) return inStore;
    return aws.kms().describeKey(ref.keyId);
  }
  // ScheduleKeyDeletion refuses aliases: resolve to the key first (DescribeKey accepts them)
  const key = await aws.kms().describeKey(ref.input);
  if (!key) return null;
  return storeKeys.find((k) => k.keyId === key.keyId) ?? key;
}

function refusedLine(ref: KeyRef, action: string, reason: string, check: string): PlanItem {
  return {
    target: ref.input,
    targetKind: 'key',
    action,
    status: 'blocked',
    reason,
    checks: [{ name: check, ok: false, detail: reason }],
  };
}

export async function selectKeys(
  aws: AwsPorts,
  storeId: string,
  storeKeys: KeyInfo[],
  include: KeyRef[],
  exclude: KeyRef[],
  action: string,
): Promise<Selection> {
  const refused: PlanItem[] = [];
  let selected: KeyInfo[];
  if (include.length === 0) {
    selected = [...storeKeys];
  } else {
    selected = [];
    for (const ref of include) {
      const key = await resolveRef(aws, ref, storeKeys);
      if (!key) {
        refused.push(
          refusedLine(ref, action, `key ${ref.input} does not exist in this account and region`, 'key-exists'),
        );
      } else if (key.customKeyStoreId !== storeId) {
        const where = key.customKeyStoreId ? `custom key store ${key.customKeyStoreId}` : 'no custom key store';
        refused.push(
          refusedLine(
            ref,
            action,
            `key ${key.keyId} is not in store ${storeId} (it is in ${where}); nothing is done in this run`,
            'key-in-store',
          ),
        );
      } else if (!selected.some((k) => k.keyId === key.keyId)) {
        selected.push(key);
      }
    }
  }
  const excluded: KeyInfo[] = [];
  for (const ref of exclude) {
    const key = await resolveRef(aws, ref, storeKeys);
    if (!key || key.customKeyStoreId !== storeId) {
      refused.push(
        refusedLine(
          ref,
          action,
          `--exclude-key ${ref.input} matches no key of store ${storeId}: check the ID (a typo here would act on the key you meant to keep)`,
          'exclude-matches',
        ),
      );
      continue;
    }
    if (!excluded.some((k) => k.keyId === key.keyId)) excluded.push(key);
  }
  selected = selected.filter((k) => !excluded.some((e) => e.keyId === k.keyId));
  return { selected, excluded, refused };
}

/** The skip line of a key left out with --exclude-key; `consequence` says what that leaves undone. */
export function excludedLine(key: KeyInfo, action: string, consequence?: string): PlanItem {
  return {
    target: key.keyId,
    targetKind: 'key',
    action,
    status: 'skip',
    reason: `excluded by --exclude-key${consequence ? `: ${consequence}` : ''}`,
    checks: [],
    details: keyDetails(key),
  };
}

/** The facts shown for a key in every plan. */
export function keyDetails(key: KeyInfo, aliases?: string[]): Record<string, unknown> {
  return {
    arn: key.arn,
    state: key.state,
    ...(aliases && aliases.length ? { aliases } : {}),
    creationDate: key.creationDate.toISOString(),
    ...(key.deletionDate ? { deletionDate: key.deletionDate.toISOString() } : {}),
  };
}

/** alias names by target key id (one paged ListAliases for the region). */
export async function aliasesByKey(aws: AwsPorts): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  for (const a of await aws.kms().listAliases()) {
    if (!a.targetKeyId) continue;
    const list = map.get(a.targetKeyId) ?? [];
    list.push(a.aliasName);
    map.set(a.targetKeyId, list);
  }
  return map;
}
