/**
 * The calls of a trial, each re-checked right before it is made (the world may have moved since
 * the plan), then read back (KMS is eventually consistent, aws-facts 9).
 *  - disable: TagResource with the trial's window, then DisableKey. Tag first: if DisableKey then
 *    fails, an Enabled key with trial tags is no trial (only non-Enabled keys are read as trial
 *    keys), and the next run tags it again; the other order could leave a disabled key that no
 *    record marks as kscli's, which enable-keys would then refuse to re-enable.
 *  - enable: EnableKey, then UntagResource of the trial tags (an Enabled key with stale tags is
 *    harmless for the same reason).
 */
import { ExitCode, KscliError } from '../../errors.js';
import type { StepContext } from '../context.js';
import type { Executable, PlanItem } from '../plan.js';
import { readBack } from '../readback.js';
import { evaluateEnable } from './evaluate.js';
import { awsNowForKey, readTrialReport, readTrialTags } from './state.js';
import { TRIAL_TAG_KEYS, trialTags } from './tags.js';

/** Reads the key back until it shows `state` (KMS is eventually consistent); fails with the fix if it never does. */
async function confirmState(ctx: StepContext, keyId: string, state: string, call: string, fix: string): Promise<void> {
  const back = await readBack(
    () => ctx.aws.kms().describeKey(keyId),
    (k) => k?.state === state,
    ctx.clock,
  );
  if (!back.confirmed)
    throw new KscliError(
      ExitCode.Failure,
      `${call} on ${keyId} returned, but the key still reads as ${back.value?.state ?? 'missing'}`,
      fix,
    );
}

export function disableExecutable(ctx: StepContext, item: PlanItem, days: number): Executable {
  const keyId = item.target;
  return {
    item,
    recheck: async () => {
      const key = await ctx.aws.kms().describeKey(keyId);
      if (!key) return { ...item, status: 'skip', reason: 'the key no longer exists' };
      if (key.state !== 'Enabled')
        return {
          ...item,
          status: 'skip',
          reason: `now ${key.state} (changed since the plan): not disabled by this run`,
        };
      return item;
    },
    apply: async () => {
      const arn = typeof item.details?.arn === 'string' ? item.details.arn : undefined;
      const tags = trialTags(arn ? await awsNowForKey(ctx.aws, { arn }, ctx.clock.now()) : ctx.clock.now(), days);
      await ctx.aws.kms().tagResource(keyId, tags);
      await ctx.aws.kms().disableKey(keyId);
      await confirmState(
        ctx,
        keyId,
        'Disabled',
        'DisableKey',
        'run the same command again (the trial tags are in place; it disables what is left)',
      );
      return { state: 'Disabled', trialStart: tags['kscli:trial-start'], trialEnd: tags['kscli:trial-end'] };
    },
  };
}

export function enableExecutable(ctx: StepContext, item: PlanItem, named: boolean): Executable {
  const keyId = item.target;
  return {
    item,
    recheck: async () => {
      const key = await ctx.aws.kms().describeKey(keyId);
      if (!key) return { ...item, status: 'skip', reason: 'the key no longer exists' };
      const window = (await readTrialTags(ctx.aws, [key])).get(keyId)?.window;
      const trial = window ? await readTrialReport(ctx.aws, key, window, ctx.clock.now()) : undefined;
      const store = await ctx.aws.kms().describeStore(ctx.store.id);
      const fresh = evaluateEnable(key, trial, named, store?.connectionState === 'CONNECTED');
      return { ...fresh, details: { ...item.details, ...fresh.details } };
    },
    apply: async () => {
      await ctx.aws.kms().enableKey(keyId);
      const tagged = item.details?.trial !== undefined;
      if (tagged) await ctx.aws.kms().untagResource(keyId, TRIAL_TAG_KEYS);
      if (ctx.store.connectionState !== 'CONNECTED') return { note: 'takes effect when the store is connected again' };
      await confirmState(ctx, keyId, 'Enabled', 'EnableKey', 'run the same command again');
      return { state: 'Enabled', ...(tagged ? { untagged: TRIAL_TAG_KEYS } : {}) };
    },
  };
}
