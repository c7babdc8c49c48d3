/**
 * kscli orphans <storeId>: keys of the store whose deletion left key material in the cluster
 * (--regions: in whichever Region holds the store).
 * Parse -> run (./run.ts) -> render (src/ui/render/orphans.ts, which documents the JSON).
 */
import { defineCommand } from '../descriptor.js';
import { renderResult } from '../../ui/render/output.js';
import { validateStoreId } from '../../input/validate.js';
import { storeIdArgument } from '../shared-flags.js';
import { withDeps } from '../with-deps.js';
import { inStoreRegion, regionsOption } from '../regions-flag.js';

export default defineCommand({
  name: 'orphans',
  summary: 'keys whose deletion left key material in the CloudHSM cluster, with the clean-up steps',
  mutates: false,
  schemas: [{ schema: 'orphans', usage: 'orphans' }],
  define(cmd, app) {
    cmd
      .addArgument(storeIdArgument())
      .description('keys whose deletion left key material in the CloudHSM cluster, with the clean-up steps')
      .option(...regionsOption('where to look for the store'))
      .addHelpText(
        'after',
        "\nExample:\n  kscli orphans cks-1234567890abcdef0\n  kscli orphans cks-1234567890abcdef0 --regions all   # the store's Region unknown\n",
      )
      .action((storeIdInput: string, flags: { regions?: string }) => {
        const storeId = validateStoreId(storeIdInput);
        return inStoreRegion(app, storeId, flags.regions, (inRegion) =>
          withDeps(inRegion, async (deps) => {
            const [{ runOrphans }, { orphansRenderer }] = await Promise.all([
              import('./run.js'),
              import('../../ui/render/orphans.js'),
            ]);
            renderResult(deps, orphansRenderer, await runOrphans(deps, storeId));
            return 0;
          }),
        );
      });
  },
});
