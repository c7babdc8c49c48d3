/**
 * The commands kscli prints for the operator to run next ("run again after …", "apply it with: …",
 * "then run: …"). An operator pastes them, often days later in another terminal: a line without
 * the flags of this run (`--sandbox`, `--region`, `--profile`, `--endpoint-url`,
 * `--expected-account`, `--journal`) would run against another account or region, or fail with no
 * credentials (exit 4). So every such line is built here, from the run's own context, and quoted
 * for a POSIX shell.
 *
 * The region is always written out outside the sandbox: the run may have taken it from
 * AWS_REGION or a profile that the pasting shell lacks. In the sandbox it is written only when the
 * operator chose it. Environment-only settings (AWS_PROFILE, AWS_ENDPOINT_URL) become flags for the
 * same reason. Credentials never appear: they stay in the operator's environment.
 */
import type { GlobalOptions } from '../app.js';

export interface NextStepContext {
  globals: Pick<GlobalOptions, 'sandbox' | 'region' | 'profile' | 'endpointUrl' | 'expectedAccount' | 'journal'>;
  env: NodeJS.ProcessEnv;
  /** the region this run resolved (flag, environment, profile or default) */
  region: string;
}

/** A function that turns a kscli command's arguments into the line to paste. */
export type NextStep = (args: string[]) => string;

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: as is when it needs no quoting, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The global flags a pasted next step needs to act on the same account, region and journal. */
export function contextFlags(ctx: NextStepContext): string[] {
  const g = ctx.globals;
  const flags: string[] = [];
  if (g.sandbox) flags.push('--sandbox');
  if (!g.sandbox || g.region) flags.push('--region', g.region ?? ctx.region);
  if (!g.sandbox) {
    const profile = g.profile ?? ctx.env.AWS_PROFILE;
    if (profile) flags.push('--profile', profile);
    const endpoint = g.endpointUrl ?? ctx.env.AWS_ENDPOINT_URL;
    if (endpoint) flags.push('--endpoint-url', endpoint);
  }
  if (g.expectedAccount) flags.push('--expected-account', g.expectedAccount);
  if (g.journal) flags.push('--journal', g.journal);
  return flags;
}

/** `kscli <args> <context flags>`, quoted for the shell. */
export function nextStepLine(ctx: NextStepContext, args: string[]): string {
  return ['kscli', ...args, ...contextFlags(ctx)].map(shellQuote).join(' ');
}

/** The NextStep of a run. */
export function nextStepFor(ctx: NextStepContext): NextStep {
  return (args) => nextStepLine(ctx, args);
}

/**
 * The NextStep of a run for a subject in `region` (a store's cluster, a cluster found with
 * --regions): when that is not the run's own Region, --region names it, in the sandbox too, so the
 * pasted command reaches the subject where it is.
 */
export function nextStepIn(ctx: NextStepContext, region: string): NextStep {
  if (region === ctx.region) return nextStepFor(ctx);
  return nextStepFor({ ...ctx, globals: { ...ctx.globals, region }, region });
}
