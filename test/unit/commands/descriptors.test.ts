/**
 * Every command is one descriptor (src/commands/<verb>/command.ts) listed once in
 * src/commands/registry.ts; every other list of commands derives from it. A descriptor that lacks
 * a piece a mutating command needs fails here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATING_COMMANDS, PLAN_COMMANDS, schemaFor } from '../../../src/commands/catalog.js';
import { defineCommand, definePlanCommand } from '../../../src/commands/descriptor.js';
import { descriptorProblems } from '../../../src/commands/descriptor-check.js';
import { COMMANDS } from '../../../src/commands/registry.js';

describe('command descriptors', () => {
  it('every descriptor is complete', () => {
    for (const d of COMMANDS) expect(descriptorProblems(d), d.name).toEqual([]);
  });

  it('every folder of src/commands/ with a command.ts is in the registry, once', () => {
    const dir = join(import.meta.dirname, '../../../src/commands');
    const folders = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && readdirSync(join(dir, e.name)).includes('command.ts'))
      .map((e) => e.name);
    const names = COMMANDS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of folders) expect(names, f).toContain(f);
  });

  it('the lists derive from the descriptors', () => {
    expect(PLAN_COMMANDS).toEqual([
      'alarm',
      'schedule-deletion',
      'cancel-deletion',
      'disable-keys',
      'enable-keys',
      'disconnect-store',
      'delete-store',
      'backups',
      'retire-cluster',
    ]);
    expect([...MUTATING_COMMANDS].sort()).toEqual([...PLAN_COMMANDS, 'apply'].sort());
    expect(schemaFor(['backups', 'cks-1234567890abcdef0', '--delete'])).toBe('plan');
    expect(schemaFor(['backups', 'cks-1234567890abcdef0'])).toBe('backups');
    expect(schemaFor(['--region', 'eu-west-1', 'sandbox', 'status'])).toBe('sandbox-status');
    expect(schemaFor(['sandbox', 'serve'])).toBeUndefined();
  });

  it('a mutating descriptor that lacks a piece is named, piece by piece', () => {
    const bare = defineCommand({ name: 'retire-thing', summary: 'x', mutates: true, schemas: [], define() {} });
    expect(descriptorProblems(bare)).toEqual([
      'mutates but names no plan subject (store, cluster, keys, ...)',
      'mutates but cannot be applied from a saved plan (use definePlanCommand)',
      'mutates but has no parse (argv -> options)',
      'mutates but names no JSON schema for its document',
    ]);
    const noSchema = definePlanCommand({
      name: 'retire-thing',
      summary: 'x',
      mutates: true,
      subject: 'cluster',
      schemas: [],
      define() {},
      parse: () => ({}),
      options: () => ({}),
      load: () => Promise.reject(new Error('not loaded in this test')),
    });
    expect(descriptorProblems(noSchema)).toEqual(['mutates but names no JSON schema for its document']);
    // the published schemas derive their "command" unions from the descriptors: nothing to add there
    expect(descriptorProblems({ ...noSchema, schemas: [{ schema: 'plan', usage: 'retire-thing' }] })).toEqual([]);
    expect(descriptorProblems({ ...bare, summary: ' ' })).toContain('no summary (the line of kscli --help)');
  });
});
