/**
 * TagResource and UntagResource on KMS keys (ListResourceTags is in keys.ts). Both work in every
 * key state except PendingDeletion, where KMS answers KMSInvalidStateException (aws-facts 1.2);
 * a key in a custom key store may be tagged while its store is disconnected (Unavailable).
 * Limits (AWS KMS tagging docs): at most 50 tags per key, keys of 1-128 characters and values of
 * 0-256, and the `aws:` prefix is reserved for AWS.
 */
import { SandboxError } from '../contract.js';
import type { Handler } from './handler.js';
import { resolveKey, visibleState } from './keys.js';

const MAX_TAGS = 50;

function requireTaggable(acc: Parameters<Handler>[0], k: ReturnType<typeof resolveKey>): void {
  if (k.manager === 'AWS')
    throw new SandboxError(
      'AccessDeniedException',
      `User is not authorized to tag AWS managed key ${acc.keyArn(k.id)}`,
    );
  if (visibleState(acc, k) === 'PendingDeletion')
    throw new SandboxError('KMSInvalidStateException', `${acc.keyArn(k.id)} is pending deletion.`);
}

const tagResource: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const tags = input.Tags;
  if (!Array.isArray(tags) || tags.length === 0)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
    );
  requireTaggable(acc, k);
  const current = new Map((k.tags ?? []).map((t) => [t.TagKey, t.TagValue]));
  for (const t of tags as Array<{ TagKey?: unknown; TagValue?: unknown }>) {
    const key = t.TagKey;
    const value = t.TagValue;
    if (
      typeof key !== 'string' ||
      key.length < 1 ||
      key.length > 128 ||
      typeof value !== 'string' ||
      value.length > 256
    )
      throw new SandboxError(
        'ValidationException',
        'Tag keys must be 1-128 characters and tag values 0-256 characters.',
      );
    if (key.toLowerCase().startsWith('aws:'))
      throw new SandboxError('TagException', 'Tag keys beginning with aws: are reserved.');
    current.set(key, value);
  }
  if (current.size > MAX_TAGS)
    throw new SandboxError('LimitExceededException', `A key can have at most ${MAX_TAGS} tags.`);
  k.tags = [...current].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
  acc.dirty = true;
  return {};
};

const untagResource: Handler = (acc, input) => {
  const k = resolveKey(acc, input.KeyId, false);
  const keys = input.TagKeys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new SandboxError(
      'ValidationException',
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must not be null",
    );
  requireTaggable(acc, k);
  const drop = new Set(keys);
  k.tags = (k.tags ?? []).filter((t) => !drop.has(t.TagKey));
  if (k.tags.length === 0) delete k.tags;
  acc.dirty = true;
  return {};
};

export const keyTagHandlers: Record<string, Handler> = { TagResource: tagResource, UntagResource: untagResource };
