/**
 * KMS key tags: TagResource, UntagResource, ListResourceTags. The tags live on the key record
 * (`KeyRecord.tags`, `[{TagKey, TagValue}]` in the order first set) and go with the key when it
 * is deleted; CloudTrail records the calls with their tags as AWS does (requestParameters.tags).
 *
 * AWS's rules (KMS developer guide, "Tagging keys"; the service model's TagKeyType/TagValueType):
 * a key 1-128 characters, a value 0-256, at most 50 tags per KMS key, keys beginning with `aws:`
 * reserved for AWS, Unicode letters, digits, white space and `_ . : / = + - @` only. Setting an
 * existing key replaces its value; removing a key that is not there is not an error. Tagging a key
 * that is pending deletion fails (key-state table: KMSInvalidStateException).
 */
import { SandboxError } from '../../contract.js';
import type { Account } from '../account.js';
import { intInRange } from '../errors.js';
import type { Handler } from '../handler.js';
import { pageArray, truncation } from '../paging.js';
import type { KeyRecord } from '../state.js';
import { requireCustomerManaged, requirePendingNot, resolveKey } from './keys.js';
import { checkList, checkString, KEY_ID_RULE, MARKER_RULE, optionalString, requiredString } from './validate.js';

export const MAX_TAGS_PER_KEY = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

type Tag = { TagKey: string; TagValue: string };

/**
 * TagException texts are not documented word for word; these name the rule broken (chosen).
 */
function tagError(message: string): SandboxError {
  return new SandboxError('TagException', message);
}

/** The Tags member of TagResource and CreateKey, checked against the model and the tag rules. */
export function checkTags(value: unknown, required: boolean): Tag[] | undefined {
  const tags = checkList(value, 'tags', { required }, (v, path) => {
    const t = (v ?? {}) as Record<string, unknown>;
    const key = checkString(t.TagKey, `${path}.tagKey`, { min: 1, max: 128, required: true })!;
    const val = checkString(t.TagValue, `${path}.tagValue`, { min: 0, max: 256, required: true })!;
    return { TagKey: key, TagValue: val };
  });
  if (!tags) return undefined;
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.TagKey.toLowerCase().startsWith('aws:'))
      throw tagError(`Tag keys beginning with "aws:" are reserved for AWS use: ${t.TagKey}`);
    if (!TAG_CHARS.test(t.TagKey) || !TAG_CHARS.test(t.TagValue))
      throw tagError(
        `Tag ${t.TagKey} contains characters that are not allowed: use Unicode letters, digits, white space and _ . : / = + - @`,
      );
    if (seen.has(t.TagKey)) throw tagError(`Duplicate tag key ${t.TagKey} in one request.`);
    seen.add(t.TagKey);
  }
  return tags;
}

/** Sets tags on a key (replacing values of keys it has), within the 50-tag quota. */
export function applyTags(acc: Account, k: KeyRecord, tags: Tag[]): void {
  const current = k.tags ?? [];
  const added = tags.filter((t) => !current.some((c) => c.TagKey === t.TagKey)).length;
  if (current.length + added > MAX_TAGS_PER_KEY)
    throw new SandboxError(
      'LimitExceededException',
      `The request was rejected because a KMS key can have at most ${MAX_TAGS_PER_KEY} tags: ${acc.keyArn(k.id)} would have ${current.length + added}.`,
    );
  const next = current.map((c) => tags.find((t) => t.TagKey === c.TagKey) ?? c);
  for (const t of tags) if (!current.some((c) => c.TagKey === t.TagKey)) next.push({ ...t });
  k.tags = next;
  acc.dirty = true;
}

const tagResource: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const tags = checkTags(input.Tags, true)!;
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'TagResource');
  requirePendingNot(acc, k);
  applyTags(acc, k, tags);
  return {};
};

const untagResource: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  const keys = checkList(input.TagKeys, 'tagKeys', { required: true }, (v, path) =>
    checkString(v, path, { min: 1, max: 128, required: true }),
  )!;
  const k = resolveKey(acc, input.KeyId, false);
  requireCustomerManaged(acc, k, 'UntagResource');
  requirePendingNot(acc, k);
  if (k.tags) {
    k.tags = k.tags.filter((t) => !keys.includes(t.TagKey));
    if (k.tags.length === 0) delete k.tags;
    acc.dirty = true;
  }
  return {};
};

const listResourceTags: Handler = (acc, input) => {
  requiredString(input, 'KeyId', KEY_ID_RULE);
  optionalString(input, 'Marker', MARKER_RULE);
  const k = resolveKey(acc, input.KeyId, false);
  const limit = intInRange(input.Limit, 'limit', 1, 50, 50);
  const { page, next } = pageArray(k.tags ?? [], input.Marker, limit);
  return { Tags: page, ...truncation(next) };
};

export const tagHandlers: Record<string, Handler> = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
};
