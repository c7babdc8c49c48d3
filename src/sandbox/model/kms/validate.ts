/**
 * Parameter constraints of the KMS service model (botocore `kms/2014-11-01/service-2.json`:
 * lengths, patterns, enums, list sizes), enforced the way KMS does: ValidationException with the
 * `1 validation error detected: Value '…' at '<member>' failed to satisfy constraint: …` text.
 * Member paths are lowerCamel, list items `tags.1.member.tagKey`, as AWS writes them.
 */
import { SandboxError } from '../../contract.js';
import { validation } from '../errors.js';

export interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  required?: boolean;
}

export function lowerCamel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function missing(path: string): SandboxError {
  return new SandboxError(
    'ValidationException',
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );
}

/** Checks one string member; returns it, or undefined when absent and optional. */
export function checkString(value: unknown, path: string, rule: StringRule = {}): string | undefined {
  if (value === undefined || value === null) {
    if (rule.required) throw missing(path);
    return undefined;
  }
  if (typeof value !== 'string')
    throw new SandboxError('SerializationException', `Expected a string for ${path}, got ${typeof value}.`);
  if (rule.min !== undefined && value.length < rule.min)
    throw validation(path, value, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max)
    throw validation(path, value, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value))
    throw validation(path, value, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  return value;
}

export function requiredString(input: Record<string, unknown>, member: string, rule: StringRule = {}): string {
  return checkString(input[member], lowerCamel(member), { ...rule, required: true })!;
}

export function optionalString(
  input: Record<string, unknown>,
  member: string,
  rule: StringRule = {},
): string | undefined {
  return checkString(input[member], lowerCamel(member), rule);
}

/** An enum member: AWS lists the allowed values in its message. */
export function checkEnum<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  required = false,
): T | undefined {
  if (value === undefined || value === null) {
    if (required) throw missing(path);
    return undefined;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw validation(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value as T;
}

/** A list member: its length, and each item through `item` (1-based paths, as AWS counts). */
export function checkList<T>(
  value: unknown,
  path: string,
  rule: { min?: number; max?: number; required?: boolean },
  item: (v: unknown, itemPath: string) => T,
): T[] | undefined {
  if (value === undefined || value === null) {
    if (rule.required) throw missing(path);
    return undefined;
  }
  if (!Array.isArray(value)) throw new SandboxError('SerializationException', `Expected a list for ${path}.`);
  if (rule.min !== undefined && value.length < rule.min)
    throw validation(path, `[${value.join(', ')}]`, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max)
    throw validation(path, `[${value.length} items]`, `Member must have length less than or equal to ${rule.max}`);
  return value.map((v, i) => item(v, `${path}.${i + 1}.member`));
}

/** A string-to-string map member (encryption context, grant constraints). */
export function checkStringMap(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new SandboxError('SerializationException', `Expected a map for ${path}.`);
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (typeof v !== 'string') throw new SandboxError('SerializationException', `Expected a string for ${path}.${k}.`);
  return value as Record<string, string>;
}

/** DryRun (KMS, 2024): the call is checked and then refused with this error instead of acting. */
export function dryRunDone(input: Record<string, unknown>): void {
  if (input.DryRun === true)
    throw new SandboxError(
      'DryRunOperationException',
      'The request was rejected because the DryRun parameter was specified.',
    );
}

/** Key ids in requests (KeyIdType): 1-2048 characters. */
export const KEY_ID_RULE: StringRule = { min: 1, max: 2048 };
/** GrantIdType */
export const GRANT_ID_RULE: StringRule = { min: 1, max: 128 };
/** PrincipalIdType */
export const PRINCIPAL_RULE: StringRule = { min: 1, max: 256, pattern: /^[\w+=,.@:/-]+$/ };
/** GrantNameType */
export const GRANT_NAME_RULE: StringRule = { min: 1, max: 256, pattern: /^[a-zA-Z0-9:/_-]+$/ };
/** GrantTokenType */
export const GRANT_TOKEN_RULE: StringRule = { min: 1, max: 8192 };
/** MarkerType */
export const MARKER_RULE: StringRule = { min: 1, max: 1024, pattern: /^[\u0020-\u00FF]*$/ };

/**
 * A blob member (base64 on the wire) with the length bounds of its shape: PlaintextType 1-4096,
 * CiphertextType 1-6144. Absent: AWS's "must not be null" when required, else undefined.
 */
export function checkBlob(
  input: Record<string, unknown>,
  member: string,
  rule: { min: number; max: number; required?: boolean },
): Buffer | undefined {
  const path = lowerCamel(member);
  const value = input[member];
  if (value === undefined || value === null) {
    if (rule.required) throw missing(path);
    return undefined;
  }
  const bytes =
    typeof value === 'string'
      ? Buffer.from(value, 'base64')
      : value instanceof Uint8Array
        ? Buffer.from(value)
        : undefined;
  if (!bytes) throw new SandboxError('SerializationException', `Expected a blob for ${path}.`);
  // the message names the constraint, never the value: blobs carry secrets
  if (bytes.length < rule.min || bytes.length > rule.max)
    throw new SandboxError(
      'ValidationException',
      `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must have length between ${rule.min} and ${rule.max}`,
    );
  return bytes;
}

/** PlaintextType and CiphertextType lengths of the service model. */
export const PLAINTEXT_BLOB = { min: 1, max: 4096 } as const;
export const CIPHERTEXT_BLOB = { min: 1, max: 6144 } as const;
