/**
 * What a descriptor must say, checked by a unit test over every command (test/unit/commands/
 * descriptors.test.ts): a newcomer's command that lacks a piece fails there, not in production.
 */
import type { TSchema } from '@sinclair/typebox';
import type { CommandDescriptor } from './descriptor.js';
import { SUBJECT_KINDS } from '../workflow/plan-runner/subject.js';
import { ApplyDocument, PlanDocument } from '../schemas/plan.js';
import { PlanFileDocument } from '../schemas/plan-file.js';

/** The command names a document's "command" property admits (a union of literals, or one literal). */
function commandsAdmitted(command: TSchema): unknown[] {
  const variants: TSchema[] = Array.isArray(command.anyOf) ? command.anyOf : [command];
  return variants.map((v) => v.const);
}

/**
 * The published schemas name their commands (so a JSON consumer sees the list): a command a
 * document does not admit fails here, naming the union to extend.
 */
function schemaProblems(d: CommandDescriptor): string[] {
  const unions: { where: string; schema: TSchema; applies: boolean }[] = [
    {
      where: 'src/schemas/plan.ts PlanDocument',
      schema: PlanDocument.properties.command,
      applies: d.schemas.some((s) => s.schema === 'plan'),
    },
    {
      where: 'src/schemas/plan-file.ts PlanFileDocument',
      schema: PlanFileDocument.properties.command,
      applies: d.fromSaved !== undefined,
    },
    {
      where: 'src/schemas/plan.ts ApplyDocument',
      schema: ApplyDocument.properties.command,
      applies: d.fromSaved !== undefined,
    },
  ];
  return unions
    .filter((u) => u.applies && !commandsAdmitted(u.schema).includes(d.name))
    .map((u) => `the "command" union of ${u.where} lacks Type.Literal('${d.name}')`);
}

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
  problems.push(...schemaProblems(d));
  return problems;
}
