/**
 * kscli find-keys <storeId>: every KMS key of the store (--regions: in whichever Region holds it).
 * Parse -> run (./run.ts) -> render (src/ui/render/find-keys.ts, which documents the JSON).
 */
import { defineCommand } from '../descriptor.js';
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../input/validate.js';
import { storeIdArgument } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';
import { inStoreRegion, regionsOption } from '../regions-flag.js';

export default defineCommand({
  name: 'find-keys',
  summary: 'list every KMS key in a custom key store: state, aliases, creation and deletion dates',
  mutates: false,
  schemas: [{ schema: 'find-keys', usage: 'find-keys' }],
  define(cmd, app) {
    cmd
      .addArgument(storeIdArgument())
      .description('list every KMS key in a custom key store: state, aliases, creation and deletion dates')
      .option(...regionsOption('where to look for the store when its Region is not known'))
      .addHelpText(
        'after',
        "\nExample:\n  kscli find-keys cks-1234567890abcdef0\n  kscli find-keys cks-1234567890abcdef0 --output json | jq -r '.keys[].keyId'\n  kscli find-keys cks-1234567890abcdef0 --regions all\n",
      )
      .action((storeIdInput: string, flags: { regions?: string }) => {
        const storeId = validateStoreId(storeIdInput);
        return inStoreRegion(app, storeId, flags.regions, (inRegion) =>
          withDeps(inRegion, async (deps) => {
            const [{ runFindKeys }, { findKeysRenderer }] = await Promise.all([
              import('./run.js'),
              import('../../ui/render/find-keys.js'),
            ]);
            renderResult(deps, findKeysRenderer, await runFindKeys(deps, storeId));
            return 0;
          }),
        );
      });
  },
});
