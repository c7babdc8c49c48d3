/**
 * The Prompter (architecture.md section 3): domain verbs, not widgets. The real one passes the IO's
 * streams to Inquirer (loaded only when a prompt is shown); tests use a scripted one.
 *
 * Aborting is never success (cloud-nuke's lesson): Ctrl-C at the prompt -> exit 5; a typed ID that
 * does not match -> exit 5 saying what was typed and what was expected.
 */
import { cancelledAtPrompt, ExitCode, KscliError } from '../errors.js';
import type { PlanItem } from '../workflow/plan.js';
import type { IO } from './io.js';

export interface ConfirmDestructive {
  /** the text the operator must type, e.g. the store ID */
  expected: string;
  /** what will happen, one or two lines */
  message: string;
  /** the changes to confirm: shown as what is at stake (keys to schedule, in use, earliest deletion) */
  changes?: PlanItem[];
  /** now, to date the earliest deletion */
  now?: Date;
}

export interface Prompter {
  confirmDestructive(req: ConfirmDestructive): Promise<boolean>;
}

// defined with the errors (the plan runner raises it too, and the workflow never imports ui/)
export { cancelledAtPrompt } from '../errors.js';

/**
 * A typed value that is not the store ID: said in so many words, because the screen still shows
 * the prompt with the (wrong) text, and a tired operator must not read that as accepted. Exit 5.
 */
export const mismatchAtPrompt = (typed: string, expected: string) =>
  new KscliError(
    ExitCode.Cancelled,
    `you typed ${JSON.stringify(typed)}; expected the store ID ${expected}; nothing was changed`,
  );

export function inquirerPrompter(io: IO): Prompter {
  return {
    async confirmDestructive(req) {
      // loaded with Inquirer, only when a prompt is shown: the stake summary needs the palette (chalk)
      const [{ input }, { confirmationText }] = await Promise.all([import('@inquirer/prompts'), import('./stake.js')]);
      io.err.write(`${confirmationText(io, req)}\n`);
      try {
        const matches = (value: string) => value.trim() === req.expected;
        const typed = await input(
          {
            message: `Type ${req.expected} to continue:`,
            // no success mark before the answer is judged: Inquirer's ✔ beside a wrong ID read as
            // "accepted"; the final line says which it was
            theme: { prefix: { idle: '?', done: '?' } },
            transformer: (value, { isFinal }) =>
              !isFinal ? value : matches(value) ? `${value} (matches)` : `${value} (does not match)`,
          },
          { input: io.in, output: io.err as NodeJS.WritableStream, clearPromptOnDone: false },
        );
        if (!matches(typed)) throw mismatchAtPrompt(typed.trim(), req.expected);
        return true;
      } catch (err) {
        // Inquirer rejects with ExitPromptError on Ctrl-C and AbortPromptError on abort
        const name = (err as Error)?.name;
        if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError')
          throw cancelledAtPrompt();
        throw err;
      } finally {
        // Inquirer leaves a TTY stdin flowing after Ctrl-C or a finished answer, which keeps the
        // process alive after the command is done: release it so kscli exits with its code.
        releaseInput(io.in);
      }
    },
  };
}

function releaseInput(input: NodeJS.ReadableStream): void {
  const tty = input as NodeJS.ReadStream;
  if (tty.isTTY && typeof tty.setRawMode === 'function') tty.setRawMode(false);
  input.pause();
  if (typeof tty.unref === 'function') tty.unref();
}
