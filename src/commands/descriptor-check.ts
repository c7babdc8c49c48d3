/**
 * What a descriptor must say, checked by a unit test over every command (test/unit/commands/
 * descriptors.test.ts): a newcomer's command that lacks a piece fails there, not in production.
 */
import type { CommandDescriptor } from './descriptor.js';
import { SUBJECT_KINDS } from '../workflow/plan-runner/subject.js';

export function descriptorProblems(d: CommandDescriptor): string[] {
  const problems: string[] = [];
  if (!/^(__)?[a-z][a-z-]*$/.test(d.name)) problems.push(`name "${d.name}" is not a lower-case verb`);
  if (d.summary.trim() === '') problems.push('no summary (the line of kscli --help)');
  // `apply` runs another command's saved plan: its subject, schemas and options are that command's
  if (d.mutates !== false && d.name !== 'apply') {
    if (d.subject === undefined) problems.push('mutates but names no plan subject (store, cluster, keys, ...)');
    else if (!SUBJECT_KINDS.includes(d.subject)) problems.push(`subject "${d.subject}" is not a known kind`);
    if (!d.fromSaved) problems.push('mutates but cannot be applied from a saved plan (use definePlanCommand)');
    if (!d.parse) problems.push('mutates but has no parse (argv -> options)');
    if (d.schemas.length === 0) problems.push('mutates but names no JSON schema for its document');
  }
  return problems;
}
