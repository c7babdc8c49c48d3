/**
 * A flag whose value is one of a fixed set (--evidence auto|logs|api, --dependents ...) declares the
 * set here, on the commander Option itself, so --help shows the choices and shell completion offers
 * them (ui/completion-script.ts reads `argChoices`): nobody keeps a second list.
 *
 * commander's `.choices()` also installs its own validator, whose error ("Allowed choices are ...")
 * has no fix line and skips our exit-code mapping's message; the command's parser already refuses a
 * value outside the set with a one-line error naming the fix (exit 2), so the value passes through
 * commander unchanged and is checked there.
 */
import type { Option } from 'commander';

export function withFixedValues(option: Option, values: readonly string[]): Option {
  return option.choices(values).argParser((value: string) => value);
}
