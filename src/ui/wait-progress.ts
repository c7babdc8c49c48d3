/**
 * The status line while disconnect-store and delete-store wait for a store to reach DISCONNECTED.
 */
import type { DisconnectOptions } from '../workflow/disconnect-store.js';
import type { ProgressUI } from './progress.js';

export function disconnectWaitProgress(progress: ProgressUI): DisconnectOptions['onWait'] {
  return (state, elapsed, timeout) => {
    if (state === 'DISCONNECTED') {
      progress.status(`store ${state} after ${Math.round(elapsed / 1000)} s`);
      progress.done();
      return;
    }
    progress.status(
      `waiting for DISCONNECTED: ${state}, ${Math.round(elapsed / 1000)} s of at most ${Math.round(timeout / 1000)} s`,
    );
  };
}
