/** Constructors for the AWS errors the model throws, so the texts stay in one place. */
import { SandboxError } from '../contract.js';

export function kmsNotFound(keyArn: string): SandboxError {
  return new SandboxError('NotFoundException', `Key '${keyArn}' does not exist`);
}

/** Model-level constraint failures answer AWS's generic validation text. */
export function validation(field: string, value: unknown, constraint: string): SandboxError {
  return new SandboxError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}

/** Checks an optional integer limit against [min, max]; returns the default when absent. */
export function intInRange(
  value: unknown,
  field: string,
  min: number,
  max: number,
  dflt: number,
  error: (msg: string) => SandboxError = (msg) => validation(field, value, msg),
): number {
  if (value === undefined || value === null) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n)) throw error('Member must be an integer');
  if (n < min) throw error(`Member must have value greater than or equal to ${min}`);
  if (n > max) throw error(`Member must have value less than or equal to ${max}`);
  return n;
}

export function requireString(input: Record<string, unknown>, field: string, code = 'ValidationException'): string {
  const v = input[field];
  if (typeof v !== 'string' || v.length === 0) {
    const lower = field.charAt(0).toLowerCase() + field.slice(1);
    throw new SandboxError(
      code,
      `1 validation error detected: Value null at '${lower}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}
