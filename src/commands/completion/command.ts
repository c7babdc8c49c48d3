/**
 * kscli completion bash|zsh|fish: prints the shell's completion script (ui/completion-script.ts),
 * derived from this program's commands and flags. The hidden `kscli __complete-stores` is what the
 * scripts call for store IDs: cached DescribeCustomKeyStores (workflow/store-id-cache.ts), one ID
 * per line, never an error on the terminal, and never longer than about 1.5 s.
 */
import { Argument } from 'commander';
import { join } from 'node:path';
import { defineCommand } from '../descriptor.js';
import { completionModel, completionScript, SHELLS, type Shell } from '../../ui/completion-script.js';
import { withDeps } from '../with-deps.js';

/** Tests shorten the waits; a number of ms, else the default. */
function envMs(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export default defineCommand({
  name: 'completion',
  summary: 'print a shell completion script (commands, flags and store IDs)',
  mutates: false,
  schemas: [],
  define(cmd, app) {
    cmd
      .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
      .description('print a shell completion script (commands, flags and store IDs)')
      .addHelpText(
        'after',
        '\nInstall:\n  bash: echo \'eval "$(kscli completion bash)"\' >> ~/.bashrc\n  zsh:  echo \'eval "$(kscli completion zsh)"\' >> ~/.zshrc\n' +
          '  fish: kscli completion fish > ~/.config/fish/completions/kscli.fish\n' +
          '\nStore IDs complete from a DescribeCustomKeyStores cached for 60 s in ~/.kscli/cache (at most ~1.5 s per TAB).\n',
      )
      .action((shell: Shell) => {
        // the whole program: every command and flag the descriptors defined
        app.io.out.write(completionScript(shell, completionModel(cmd.parent ?? cmd)));
      });
  },
});

/** The hidden `kscli __complete-stores` the completion scripts call for store IDs. */
export const completeStoresCommand = defineCommand({
  name: '__complete-stores',
  summary: 'store IDs for shell completion, one per line (cached; never waits long)',
  hidden: true,
  mutates: false,
  schemas: [],
  define(cmd, app) {
    cmd.action(async () => {
      let timedOut = false;
      try {
        await withDeps(app, async (deps) => {
          const g = deps.globals;
          const where = g.sandbox
            ? `sandbox:${deps.env.KSCLI_SANDBOX_STATE ?? 'default'}`
            : (g.endpointUrl ?? deps.env.AWS_ENDPOINT_URL ?? 'aws');
          const { lookupStoreIds, STORE_CACHE_TTL_MS, STORE_LOOKUP_TIMEOUT_MS } =
            await import('../../workflow/store-id-cache.js');
          const { storeIds, source } = await lookupStoreIds({
            cacheDir: join(deps.home, '.kscli', 'cache'),
            target: `${where}|${deps.region}|${g.profile ?? deps.env.AWS_PROFILE ?? ''}`,
            now: () => deps.clock.now().getTime(),
            ttlMs: envMs(deps.env.KSCLI_COMPLETION_TTL_MS, STORE_CACHE_TTL_MS),
            timeoutMs: envMs(deps.env.KSCLI_COMPLETION_TIMEOUT_MS, STORE_LOOKUP_TIMEOUT_MS),
            fetch: async () => (await deps.aws.kms().describeStores()).map((s) => s.id),
          });
          deps.debug(`store IDs from ${source}`);
          timedOut = source === 'stale-cache' || source === 'none';
          for (const id of storeIds) deps.io.out.write(`${id}\n`);
          return 0;
        });
      } catch {
        // bad flags, no credentials...: a TAB completes nothing rather than printing errors
      }
      app.setExitCode(0);
      // a call still in flight (or a sandbox still starting) must not hold the shell
      if (timedOut) app.system?.exit?.(0);
    });
  },
});
