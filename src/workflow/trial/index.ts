/**
 * The trial (issue 20): disable the keys first, watch who fails, then delete.
 *
 * DESIGN
 * - Why: a disabled key is undone by one EnableKey, and every remaining caller fails loudly with a
 *   CloudTrail record (errorCode DisabledException). That is stronger evidence than any reading of
 *   the past (the quarterly job, the yearly restore, a caller kscli could not read).
 * - Where the trial's state lives: **on each key, as two tags kscli puts on it** right after
 *   DisableKey: `kscli:trial-start` and `kscli:trial-end` (ISO 8601 times). Another operator on
 *   another machine lists the same tags (ListResourceTags, 2,000/s, free) and sees the same phase
 *   and end date. Facts (aws-facts-data-at-rest D, aws-facts 1.2): TagResource works on Enabled,
 *   Disabled and Unavailable keys, custom key store keys included, and fails once PendingDeletion
 *   (so the tags stay on a scheduled key: harmless, it is on its way out). Tags cost nothing, but
 *   they can drive ABAC policies: a policy that grants on `aws:ResourceTag/...` could change who
 *   may use the key. kscli's tag keys start with `kscli:`, which no ABAC policy is expected to
 *   match; a tag change takes up to 5 minutes to reach authorization (aws-facts 11).
 *   The DisableKey record in CloudTrail (eventTime, userIdentity, resources[].ARN) corroborates it:
 *   the failed-calls lookup of a key (LookupEvents by its ARN since the trial start, 2/s, 90 days)
 *   returns that record too, so the report says who disabled the key and when at no extra cost.
 *   It is not the source of truth because LookupEvents keeps 90 days and cannot carry the planned
 *   end date, and KeyMetadata has no state-change time. The journal records the DisableKey and the
 *   TagResource calls with their parameters (intent and outcome), like every mutating call.
 * - Trial keys: keys kscli disabled and tagged. A key Disabled before the trial has no tags: it is
 *   not a trial key, enable-keys never enables it unless named with --key, and a trial does not
 *   tag it (it is scheduled on its own evidence once the trial is over).
 * - Phases of a key, from AWS: `running` (Disabled, tagged, now < end), `ended` (now >= end).
 *   Failed calls since the start (cryptographic operations with an errorCode) make it `failed`,
 *   whatever the date: a trial with failed calls never proceeds. A lookup that cannot be read
 *   makes the outcome unknown (never "0 failed calls").
 * - Side effects, said in plans and the README: keys stay billed while disabled ($1/month
 *   prorated, aws-facts-data-at-rest D); DynamoDB archives a table whose key stays inaccessible
 *   for more than 7 days, so a key under a DynamoDB table gets no trial longer than 7 days without
 *   --allow-dynamodb-archive (dynamodb.ts says how kscli tells).
 * - The alarm: AWS documents none for disabled keys. kscli's own filter (alarm.ts) counts KMS calls
 *   that failed with errorCode DisabledException or an errorMessage ending in "is disabled.", next
 *   to the pending-deletion alarm.
 */
export * from './tags.js';
export * from './evaluate.js';
export * from './state.js';
export * from './plan.js';
export * from './alarm.js';
export * from './dynamodb.js';
export * from './count.js';
export * from './recommend.js';
