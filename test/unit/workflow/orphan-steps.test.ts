import { describe, expect, it } from 'vitest';
import { orphanCleanupSteps } from '../../../src/workflow/orphans.js';

describe('the clean-up of orphaned key material (issue 23: every printed step works when pasted)', () => {
  it('a store that exists: disconnect first (the command as pasted), reconnect or skip at the end', () => {
    const steps = orphanCleanupSteps('kscli disconnect-store cks-1234567890abcdef0 --sandbox');
    expect(steps[0]).toBe('Disconnect the store (kscli disconnect-store cks-1234567890abcdef0 --sandbox).');
    expect(steps.at(-1)).toMatch(/^If the store stays: UpdateCustomKeyStore/);
  });

  it('a deleted store: no disconnect-store to paste (it would fail) and nothing to reconnect; the material still goes', () => {
    const steps = orphanCleanupSteps(undefined);
    expect(steps.join('\n')).not.toMatch(/disconnect|UpdateCustomKeyStore/i);
    expect(steps[0]).toMatch(/changePswd CU kmsuser/);
    expect(steps).toContain('Log out.');
  });
});
