/**
 * The flag parsers of the sandbox subcommands (bad input: exit 2, one line naming the fix).
 */
import { badInput } from '../../errors.js';

export function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw badInput(`${flag} ${value}: expected a number >= 0`);
  return n;
}

export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw badInput(`${flag} ${value}: expected a whole number >= 1`);
  return Number(value);
}

/** `--used-share`: a fraction 0..1 or a percentage such as `10%`. */
export function share(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(n >= 0 && n <= 1))
    throw badInput(`${flag} ${value}: expected a share between 0 and 1, or a percentage such as 10%`);
  return n;
}

export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw badInput(`${flag} ${value}: expected a whole number >= 0`);
  return Number(value);
}
