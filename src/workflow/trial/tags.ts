/**
 * The two tags that record a trial on a key (see index.ts): where every operator reads the trial
 * from. Tag values allow letters, digits, spaces and `_ . : / = + - @` (AWS tagging rules), so an
 * ISO 8601 time fits as it is.
 */
export const TRIAL_START_TAG = 'kscli:trial-start';
export const TRIAL_END_TAG = 'kscli:trial-end';
export const TRIAL_TAG_KEYS = [TRIAL_START_TAG, TRIAL_END_TAG];

/** DynamoDB archives a table whose key stays inaccessible longer than this (aws-facts-data-at-rest D). */
export const DYNAMODB_MAX_TRIAL_DAYS = 7;
/** LookupEvents reaches back 90 days: a longer trial could not be judged from event history. */
export const MAX_TRIAL_DAYS = 90;
export const DEFAULT_TRIAL_DAYS = 14;

/**
 * The command that undoes a trial on a store (enable-keys re-enables the keys kscli disabled), as
 * the operator pastes it: `step` adds this run's context flags (Deps.nextStep, issue 23).
 */
export const rollbackCommand = (storeId: string, step: (args: string[]) => string): string =>
  step(['enable-keys', storeId]);

const DAY_MS = 86_400_000;

export interface TrialWindow {
  start: Date;
  end: Date;
}

export function trialTags(start: Date, days: number): Record<string, string> {
  return {
    [TRIAL_START_TAG]: start.toISOString(),
    [TRIAL_END_TAG]: new Date(start.getTime() + days * DAY_MS).toISOString(),
  };
}

/** The trial a key's tags record, or undefined (no tags, or tags that do not parse: not kscli's). */
export function parseTrialTags(tags: Record<string, string>): TrialWindow | undefined {
  const s = tags[TRIAL_START_TAG];
  const e = tags[TRIAL_END_TAG];
  if (!s || !e) return undefined;
  const start = new Date(s);
  const end = new Date(e);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) return undefined;
  return { start, end };
}

export function trialDays(w: TrialWindow): number {
  return Math.round((w.end.getTime() - w.start.getTime()) / DAY_MS);
}
