/**
 * kscli alarm as a plan for the plan runner (src/workflow/plan-runner/): the metric filter and the
 * alarm (src/workflow/evidence/alarm-plan.ts), with the warnings an operator needs about them.
 */
import type { PlanModule } from '../descriptor.js';
import { AlarmOptionsSchema } from './options.js';
import { ExitCode } from '../../errors.js';
import type { PlanSpec } from '../../workflow/plan-runner/index.js';

export interface AlarmOptions {
  storeId: string;
  snsTopicArn?: string;
  logGroup?: string;
  replace: boolean;
}

export async function alarmSpec(o: AlarmOptions): Promise<PlanSpec> {
  // the evidence module is loaded only when a command needs it
  const { planAlarm } = await import('../../workflow/evidence/index.js');
  const { storeId, ...alarmOpts } = o;
  return {
    command: 'alarm',
    storeId,
    plan: async (ctx, keys) => {
      const executables = await planAlarm(ctx.aws, {
        store: ctx.store,
        storeKeys: keys,
        region: ctx.region,
        ...alarmOpts,
      });
      const warnings: string[] = [];
      const alarmItem = executables.find((e) => e.item.action === 'PutMetricAlarm')?.item;
      const actions = alarmItem?.details?.alarmActions as string[] | undefined;
      if (actions && actions.length === 0)
        warnings.push('no --sns-topic-arn: the alarm will change state but notify nobody');
      else if (alarmOpts.snsTopicArn)
        warnings.push(
          'email subscribers of the topic receive nothing until they confirm the subscription email from no-reply@sns.amazonaws.com',
        );
      if (executables.some((e) => e.item.action === 'PutMetricFilter' && e.item.status === 'apply')) {
        warnings.push(
          'a metric filter counts only events ingested after it exists; CloudTrail delivers an event in about 5 minutes',
        );
      }
      return { warnings, overrides: alarmOpts.replace ? ['--replace'] : [], executables };
    },
    idle: () => ({ outcome: 'nothing-to-do', exitCode: ExitCode.Ok, lines: ['the alarm is already in place'] }),
  };
}

/** What the alarm command's descriptor loads when it runs (src/commands/descriptor.ts). */
export const planModule: PlanModule<typeof AlarmOptionsSchema> = {
  optionsSchema: AlarmOptionsSchema,
  spec: async (_deps, o) => ({ spec: await alarmSpec(o) }),
};
