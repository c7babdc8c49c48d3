/**
 * Time, injected: the workflow spans weeks (deletion dates, "run again after") and waits for AWS
 * (DISCONNECTING -> DISCONNECTED, read-back after a write). Tests drive a fake clock instead of sleeping.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
