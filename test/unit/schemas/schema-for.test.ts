import { describe, expect, it } from 'vitest';
import { commandsPrinting, schemaFor } from '../../../src/commands/catalog.js';
import { SCHEMA_NAMES } from '../../../src/schemas/names.js';
import { schemaErrors, schemaFileText } from '../../../src/commands/published-schemas.js';
import { run } from '../../../src/cli.js';
import { memoryIO } from '../../../src/ui/io.js';

describe('schemaFor: which schema the document of an argv follows', () => {
  it.each([
    [['stores', '--sandbox'], 'stores'],
    [['inventory', '--org', '--regions', 'all'], 'inventory'],
    [['--region', 'eu-west-1', '--output', 'json', 'find-keys', 'cks-1234567890abcdef0'], 'find-keys'],
    [['usage', 'cks-1234567890abcdef0', '--days', '30'], 'usage'],
    [['--sandbox', 'schedule-deletion', 'cks-1234567890abcdef0', '--dry-run'], 'plan'],
    [['alarm', 'cks-1234567890abcdef0'], 'plan'],
    [['cancel-deletion', 'cks-1234567890abcdef0'], 'plan'],
    [['disconnect-store', 'cks-1234567890abcdef0'], 'plan'],
    [['backups', 'cks-1234567890abcdef0', '--delete'], 'plan'],
    [['backups', 'cks-1234567890abcdef0'], 'backups'],
    [['delete-store', 'cks-1234567890abcdef0'], 'delete-store'],
    [['orphans', 'cks-1234567890abcdef0'], 'orphans'],
    [['sandbox', 'status', '--state', '/tmp/x'], 'sandbox-status'],
    [['sandbox', '--output', 'json', 'reset', '--scenario', 'large'], 'sandbox-reset'],
    [['sandbox', 'advance', '--days', '31'], 'sandbox-advance'],
    [['sandbox', 'serve'], undefined],
    [['--version'], undefined],
    [['schema', 'usage'], undefined],
  ])('%j -> %s', (argv, want) => {
    expect(schemaFor(argv)).toBe(want);
  });

  it('every schema names the commands that print it, and those map back to it', () => {
    for (const name of SCHEMA_NAMES) {
      for (const command of commandsPrinting(name))
        expect(schemaFor([...command.split(' '), 'cks-1234567890abcdef0']), command).toBe(name);
    }
  });
});

describe('schemaErrors', () => {
  const store = {
    storeId: 'cks-1234567890abcdef0',
    name: 'n',
    type: 'AWS_CLOUDHSM',
    connectionState: 'CONNECTED',
    clusterId: null,
    creationDate: '2026-01-02T03:04:05.000Z',
  };
  it('accepts a valid document and names each violation by its path', () => {
    expect(schemaErrors('orphans', { schemaVersion: 1, store, orphans: [], cleanupSteps: [] })).toEqual([]);
    const errors = schemaErrors('orphans', {
      schemaVersion: 1,
      store: { ...store, creationDate: 'yesterday' },
      orphans: [],
      cleanupSteps: [],
      extra: 1,
    });
    expect(errors.join('\n')).toMatch(/\/store\/creationDate/);
    expect(errors.join('\n')).toMatch(/\/extra/);
  });
});

describe('kscli schema', () => {
  async function kscli(...argv: string[]) {
    const io = memoryIO();
    const code = await run(argv, { io, env: {} });
    return { code, out: io.stdout(), err: io.stderr() };
  }

  it('prints the schema file of a name, or of a command that prints it', async () => {
    expect(await kscli('schema', 'usage')).toEqual({ code: 0, out: schemaFileText('usage'), err: '' });
    expect((await kscli('schema', 'schedule-deletion')).out).toBe(schemaFileText('plan'));
    expect((await kscli('schema', 'sandbox status')).out).toBe(schemaFileText('sandbox-status'));
  });

  it('lists every schema with its commands', async () => {
    const r = await kscli('schema');
    expect(r.code).toBe(0);
    for (const name of SCHEMA_NAMES)
      expect(r.out).toMatch(new RegExp(`^${name} +${commandsPrinting(name).join(', ')}$`, 'm'));
  });

  it('refuses an unknown name with exit 2, listing the names', async () => {
    const r = await kscli('schema', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no schema named 'nope'/);
    expect(r.err).toContain('stores, find-keys, usage');
  });
});
