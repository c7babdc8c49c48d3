/**
 * The `## Cost` section of a plan's review document (issue 21), from the cost the plan file
 * recorded (workflow/cost/plan-cost.ts), so that `kscli show FILE --output markdown` says the same:
 *   - a CloudHSM store's plan: the cluster's HSMs and monthly cost, and that deleting the store does
 *     not stop that bill (the cluster is billed per HSM-hour until `kscli retire-cluster` removes it);
 *   - a retire-cluster plan: what retiring the cluster saves a month.
 */
import { HOURS_PER_MONTH, PRICING_REGION } from '../../workflow/cost/hsm-cost.js';
import type { PlanCost } from '../../workflow/cost/plan-cost.js';
import type { PlanFile } from '../../workflow/plan-file/document.js';
import type { NextStep } from '../next-step.js';
import { bold, code, heading, text } from './gfm.js';
import { thousands } from '../../util/text-order.js';

function priceWords(c: PlanCost): string {
  const p = c.priceSource;
  if (!p || p.source === 'price-list')
    return `AWS Price List (${PRICING_REGION}), ${p?.hoursPerMonth ?? HOURS_PER_MONTH} hours a month`;
  return `kscli's price table of ${p.tableDate ?? '?'}, not AWS's current prices (the AWS Price List could not be read${p.priceListError ? `: ${p.priceListError}` : ''}); ${p.hoursPerMonth} hours a month`;
}

export function planCostSection(plan: PlanFile, next: NextStep): string {
  const c = plan.cost;
  if (!c) return '';
  const cluster = plan.subject.kind === 'cluster';
  const out = heading(2, 'Cost');
  if (c.error !== undefined || c.hsmCount === undefined || c.monthlyUsd === undefined || c.usdPerHour === undefined)
    return `${out}\nWhat cluster ${code(c.clusterId)} costs is not known: ${text(c.error ?? 'not recorded')}.\n`;
  const figure = `${c.hsmCount} HSM(s), ${bold(`≈ $${thousands(c.monthlyUsd)} a month`)} (${c.hsmCount} x $${c.usdPerHour.toFixed(2)} an hour; ${text(priceWords(c))}; when the plan was made)`;
  if (cluster)
    return `${out}\nRetiring cluster ${code(c.clusterId)} saves ${figure}: AWS bills each HSM by the hour until it is deleted.\n`;
  return `${out}\nThe store's cluster ${code(c.clusterId)}: ${figure}. ${bold('Deleting the store does not stop this')}: the cluster's HSMs are billed until the cluster is retired: ${code(next(['retire-cluster', c.clusterId]))} once the store is deleted.\n`;
}
