/**
 * kscli stores: every custom key store of the region with its keys counted by key state.
 * Parse (no flags) -> run (./run.ts) -> render (src/ui/render/stores.ts, which documents the JSON).
 */
import type { Command } from 'commander';
import type { App, CommandModule } from '../../app.js';
import { renderResult } from '../../ui/render/output.js';
import { withDeps } from '../with-deps.js';

export const storesCommand: CommandModule = {
  register(program: Command, app: App) {
    program
      .command('stores')
      .description('list the custom key stores of the region, with their keys counted by state')
      .addHelpText('after', '\nExample:\n  kscli stores --region eu-west-1\n  kscli stores --output json | jq \'.stores[] | select(.connectionState == "FAILED")\'\n')
      .action(() =>
        withDeps(app, async (deps) => {
          const [{ runStores }, { storesRenderer }] = await Promise.all([import('./run.js'), import('../../ui/render/stores.js')]);
          renderResult(deps, storesRenderer, await runStores(deps));
          return 0;
        }),
      );
  },
};
