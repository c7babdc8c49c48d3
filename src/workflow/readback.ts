/**
 * Confirm the effect of a write by reading it back. KMS is eventually consistent (aws-facts 9):
 * a read right after a write may still show the old state for seconds, sometimes minutes, so the
 * read is retried with a growing pause before kscli says the effect was not seen.
 */
import type { Clock } from './clock.js';

export interface ReadBackResult<T> {
  confirmed: boolean;
  value: T;
  attempts: number;
}

export async function readBack<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  clock: Clock,
  opts: { attempts?: number; firstDelayMs?: number } = {},
): Promise<ReadBackResult<T>> {
  const attempts = opts.attempts ?? 5;
  let delay = opts.firstDelayMs ?? 500;
  let value = await read();
  for (let i = 1; i < attempts && !isDone(value); i++) {
    await clock.sleep(delay);
    delay = Math.min(delay * 2, 8000);
    value = await read();
  }
  return { confirmed: isDone(value), value, attempts };
}
