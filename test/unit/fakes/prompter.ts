/**
 * A scripted Prompter: each expected prompt is listed with its answer, in order. A prompt that was
 * not expected is recorded (and answered "no"); `unexpected` and `pending()` let the test fail on
 * an unexpected prompt and on an expected one that was never shown.
 */
import type { ConfirmDestructive, Prompter } from '../../../src/ui/prompter.js';
import { cancelledAtPrompt } from '../../../src/ui/prompter.js';

export type Answer = { type: string } | { ctrlC: true };

export class ScriptedPrompter implements Prompter {
  readonly asked: ConfirmDestructive[] = [];
  readonly unexpected: ConfirmDestructive[] = [];
  constructor(private readonly script: Answer[] = []) {}

  async confirmDestructive(req: ConfirmDestructive): Promise<boolean> {
    this.asked.push(req);
    const next = this.script.shift();
    if (!next) {
      this.unexpected.push(req);
      return false;
    }
    if ('ctrlC' in next) throw cancelledAtPrompt();
    return next.type.trim() === req.expected;
  }

  /** expected prompts never shown */
  pending(): Answer[] {
    return [...this.script];
  }
}
