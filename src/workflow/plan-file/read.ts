/**
 * Reading a plan file for `kscli apply` and `kscli show`: it must parse, be a kscli plan of a
 * schema version this kscli knows, have the fields apply relies on, and its digest must match its
 * content. Every failure is bad input (exit 2): the file is not the plan that was reviewed, and
 * nothing in AWS is read or changed.
 */
import { readFileSync } from 'node:fs';
import { ExitCode, KscliError } from '../../errors.js';
import { PLAN_KIND, PLAN_SCHEMA_VERSION, type PlanFile } from './document.js';
import { computeDigest } from './seal.js';
import { SUBJECT_KINDS, type SubjectKind } from '../plan-runner/subject.js';

const bad = (message: string, hint?: string) => new KscliError(ExitCode.BadInput, message, hint);

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The first structural problem of a parsed document, or undefined when it has a plan's shape.
 * `planCommands`: the commands that write plans (src/commands/catalog.ts); without it, any command name.
 */
export function planShapeProblem(doc: unknown, planCommands?: readonly string[]): string | undefined {
  if (!isObj(doc)) return 'it is not a JSON object';
  if (doc.kind !== PLAN_KIND)
    return `it is not a kscli plan (kind ${JSON.stringify(doc.kind ?? null)}, expected "${PLAN_KIND}")`;
  if (doc.schemaVersion !== PLAN_SCHEMA_VERSION)
    return `schemaVersion ${JSON.stringify(doc.schemaVersion ?? null)} is not one this kscli reads (${PLAN_SCHEMA_VERSION})`;
  for (const f of ['kscliVersion', 'commandLine', 'createdAt', 'account', 'region', 'callerArn', 'digest'] as const) {
    if (typeof doc[f] !== 'string' || doc[f] === '') return `field "${f}" is missing or not a string`;
  }
  if (planCommands && !planCommands.includes(doc.command as string))
    return `command ${JSON.stringify(doc.command ?? null)} is not a command that writes plans`;
  if (Number.isNaN(Date.parse(doc.createdAt as string))) return `createdAt "${String(doc.createdAt)}" is not a date`;
  if (typeof doc.blocked !== 'boolean') return 'field "blocked" is missing or not true/false';
  if (!isObj(doc.options)) return 'field "options" is missing or not an object';
  for (const f of ['items', 'overrides', 'warnings', 'blockedReasons'] as const) {
    if (!Array.isArray(doc[f])) return `field "${f}" is missing or not a list`;
  }
  for (const [i, item] of (doc.items as unknown[]).entries()) {
    if (
      !isObj(item) ||
      typeof item.target !== 'string' ||
      typeof item.action !== 'string' ||
      !['apply', 'skip', 'blocked'].includes(item.status as string)
    ) {
      return `item ${i + 1} lacks a target, an action or a status (apply, skip or blocked)`;
    }
  }
  const subject = doc.subject;
  if (
    !isObj(subject) ||
    !SUBJECT_KINDS.includes(subject.kind as SubjectKind) ||
    typeof subject.id !== 'string' ||
    subject.account !== doc.account ||
    subject.region !== doc.region
  )
    return 'field "subject" (kind, id, account, region) is missing or does not match the plan';
  // what the observations hold is the subject's (its observer compares them on apply)
  if (!isObj(doc.observations)) return 'field "observations" is missing';
  return undefined;
}

/** Parses and verifies a plan file's text; `name` names the file in messages. */
export function parsePlanFile(text: string, name: string, planCommands?: readonly string[]): PlanFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(
      `${name} is not a plan file: it is not valid JSON (${(err as Error).message})`,
      'pass the file written by --plan-out',
    );
  }
  const problem = planShapeProblem(doc, planCommands);
  if (problem)
    throw bad(`${name} is not a usable plan file: ${problem}`, 'pass the file written by --plan-out, unedited');
  const plan = doc as PlanFile;
  const actual = computeDigest(plan);
  if (actual !== plan.digest) {
    throw bad(
      `${name} was changed after it was made: its digest ${plan.digest} does not match its content (${actual})`,
      'a plan file cannot be edited: make a new plan with --plan-out and have it reviewed again',
    );
  }
  return plan;
}

export function readPlanFile(path: string, planCommands?: readonly string[]): PlanFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw bad(`cannot read the plan file ${path} (${code})`, 'pass the path of a file written by --plan-out');
  }
  return parsePlanFile(text, path, planCommands);
}
