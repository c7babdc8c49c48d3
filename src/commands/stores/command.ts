/**
 * kscli stores: every custom key store of the region with its keys counted by key state; with
 * --regions, of several Regions at once (regions-flag.ts).
 * Parse -> run (./run.ts) -> render (src/ui/render/stores.ts, which documents the JSON).
 */
import { defineCommand } from '../descriptor.js';
import { ExitCode } from '../../errors.js';
import { renderResult } from '../../ui/render/output.js';
import { parseRegions } from '../../input/estate-options.js';
import { regionsOption } from '../regions-flag.js';
import { withDeps } from '../with-deps.js';

export default defineCommand({
  name: 'stores',
  summary: 'list the custom key stores of the region, with their keys counted by state',
  mutates: false,
  schemas: [{ schema: 'stores', usage: 'stores' }],
  define(cmd, app) {
    cmd
      .description('list the custom key stores of the region, with their keys counted by state')
      .option(...regionsOption('read several Regions at once'))
      .addHelpText(
        'after',
        '\nExample:\n  kscli stores --region eu-west-1\n  kscli stores --regions all\n  kscli stores --output json | jq \'.stores[] | select(.connectionState == "FAILED")\'\n' +
          '\nWith --regions, a Region that cannot be read is listed as a gap and the exit code is 6 (complete with gaps).\n',
      )
      .action((flags: { regions?: string }) => {
        const selection = parseRegions(flags.regions);
        return withDeps(app, async (deps) => {
          const [{ runStores, runStoresInRegions }, { storesRenderer }] = await Promise.all([
            import('./run.js'),
            import('../../ui/render/stores.js'),
          ]);
          const result = selection.mode === 'home' ? await runStores(deps) : await runStoresInRegions(deps, selection);
          renderResult(deps, storesRenderer, result);
          return result.gaps?.length ? ExitCode.Incomplete : ExitCode.Ok;
        });
      });
  },
});
