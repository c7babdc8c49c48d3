/**
 * Which source answers for which stretch of the evidence window, once the trail's log group is
 * known to cover part or all of it (issue 23, "Evidence that says what it does"). Pure: the unit
 * tests decide every mode and coverage here, the caller only runs what the plan says.
 *
 * --evidence logs  the log group ALONE. A stretch of the window it does not cover (the group was
 *                  created, the trail started, or retention trimmed events after the window's
 *                  start) is a gap: no LookupEvents or GetKeyLastUsage fills it, and a key that
 *                  must be covered there is `unknown`, with the stretch and the way out named
 *                  (--evidence auto, or a shorter --unused-days). Before, `logs` quietly read
 *                  LookupEvents for the rest: 87 of 90 days in the demo account.
 * --evidence auto  joins: the log group where it reaches, LookupEvents (and GetKeyLastUsage) for the
 *                  older stretch within CloudTrail's 90 days, and says that it joined them.
 * Either way, what no source can reach (older than both the group and LookupEvents' 90 days) is
 * named as uncovered, never searched-and-empty.
 */
import type { LogCoverage } from './logs-coverage.js';
import type { UncoveredSpan } from './types.js';
import { day } from './verdict.js';

export interface SourcePlan {
  /** the log group answers from here (a whole second: StartQuery takes epoch seconds) to the window's end */
  logsFrom: Date;
  /** LookupEvents per key over this stretch (auto only: the part before the log group, within 90 days) */
  lookup?: { start: Date; end: Date };
  /** GetKeyLastUsage per key: only where the log group does not cover the window and auto may join */
  lastUsage: boolean;
  /** the part of the window no source searches */
  uncovered?: UncoveredSpan;
  /** why auto joined the log group and LookupEvents (absent: one source answers) */
  joined?: string;
}

export interface SourcePlanInput {
  mode: 'auto' | 'logs';
  /** a usable log group: extent full or partial */
  coverage: LogCoverage;
  window: { start: Date; end: Date };
  /** where LookupEvents' reach begins (at most 90 days back) */
  apiStart: Date;
}

/** The start of the log group's coverage, on a whole second. */
export const coverageStart = (coverage: LogCoverage): Date =>
  new Date(Math.floor(coverage.from!.getTime() / 1000) * 1000);

const latest = (a: Date, b: Date): Date => (a > b ? a : b);

export function planSources(input: SourcePlanInput): SourcePlan {
  const { mode, coverage, window, apiStart } = input;
  const from = coverageStart(coverage);
  const lg = coverage.logGroup!.name;
  const limits = coverage.limits.length ? ` (${coverage.limits.join('; ')})` : '';
  if (coverage.extent === 'full' || from <= window.start) return { logsFrom: from, lastUsage: false };

  if (mode === 'logs') {
    // what auto would add: LookupEvents for the part of the gap within its 90 days
    const lookupFrom = latest(window.start, apiStart);
    return {
      logsFrom: from,
      lastUsage: false,
      uncovered: {
        start: window.start,
        end: from,
        reason: `--evidence logs uses log group ${lg} alone, and it begins ${day(from)}${limits}`,
        ...(lookupFrom < from
          ? { remedy: `--evidence auto (adds LookupEvents for ${day(lookupFrom)}..${day(from)})` }
          : {}),
      },
    };
  }

  // auto: LookupEvents ends the millisecond before the log group begins, so each event is counted once
  const lookup = apiStart < from ? { start: apiStart, end: new Date(from.getTime() - 1) } : undefined;
  const searchedFrom = lookup ? lookup.start : from;
  return {
    logsFrom: from,
    lastUsage: true,
    ...(lookup
      ? {
          lookup,
          joined: `--evidence auto joined two sources: log group ${lg} begins ${day(from)}${limits}, so CloudTrail LookupEvents answers for ${day(lookup.start)}..${day(from)}`,
        }
      : {}),
    ...(window.start < searchedFrom
      ? {
          uncovered: {
            start: window.start,
            end: searchedFrom,
            reason: `CloudTrail LookupEvents reaches back 90 days and log group ${lg} begins ${day(from)}${limits}: nothing searchable reaches further back`,
          },
        }
      : {}),
  };
}
