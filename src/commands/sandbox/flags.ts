/**
 * The flag parsers of the sandbox subcommands (bad input: exit 2, one line naming the fix).
 */
import { ExitCode, KscliError } from '../../errors.js';

export function badFlag(message: string, hint?: string): KscliError {
  return new KscliError(ExitCode.BadInput, message, hint);
}

export function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw badFlag(`${flag} ${value}: expected a number >= 0`);
  return n;
}

export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badFlag(`${flag} ${value}: expected a whole number >= 1`);
  return Number(value);
}
