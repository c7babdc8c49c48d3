import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import { commandLists, publishedSchema, schemaErrors } from '../../../src/commands/published-schemas.js';
import { PLAN_COMMANDS, commandsPrinting } from '../../../src/commands/catalog.js';
import { planFileDocument } from '../../../src/schemas/plan-file.js';
import { applyDocument, planDocument } from '../../../src/schemas/plan.js';

/** The names a "command" property admits (a union of literals; TypeBox makes a union of one its literal). */
const admitted = (command: TSchema): unknown[] =>
  Array.isArray(command.anyOf) ? (command.anyOf as TSchema[]).map((v) => v.const) : [command.const];

describe('published schemas name the commands the descriptors register (issue 17: no hand-kept union)', () => {
  it('plan-file and apply admit exactly the commands whose plans can be saved; plan exactly those printing it', () => {
    expect(admitted(publishedSchema('plan-file').properties!.command!)).toEqual([...PLAN_COMMANDS]);
    expect(admitted(publishedSchema('apply').properties!.command!)).toEqual([...PLAN_COMMANDS]);
    expect(admitted(publishedSchema('plan').properties!.command!)).toEqual(commandLists().plan);
    expect(commandLists().plan).toContain('retire-cluster');
    expect(commandLists().plan).not.toContain('delete-store'); // it prints its own document
    expect(publishedSchema('plan').description).toContain(commandsPrinting('plan').join(', '));
    expect(publishedSchema('plan').description).toContain('backups --delete');
  });

  it("a newcomer's plan command appears in every schema that names commands, with no edit to src/schemas", () => {
    const lists = { plan: ['retire-thing'], planUsages: ['retire-thing'], saved: ['retire-thing'] };
    for (const doc of [planDocument(lists), applyDocument(lists), planFileDocument(lists)])
      expect(admitted(doc.properties.command)).toEqual(['retire-thing']);
  });

  it('validation uses the derived schema: a plan file naming an unknown command is refused', () => {
    const errors = schemaErrors('apply', { command: 'retire-thing' });
    expect(errors.some((e) => e.startsWith('/command'))).toBe(true);
  });
});
