/**
 * The only module that touches process.* (argv, env, exit code, signals): architecture.md section 2.
 */
// The current AWS SDK warns on Node 20 at load time; kscli supports Node >= 20, so silence it for
// our users before any SDK module can load (they are all imported lazily, after this line).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { hostname } from 'node:os';
import type { SystemHooks } from './deps.js';
import { isProcessAlive } from './util/process-alive.js';
import { kscliVersion } from './version.js';

// `kscli --version` alone answers before the program (and its command descriptors) loads: start-up
// within 1.4x of bare Node (issue 17). Any other argv, `--version` included, goes to commander.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) process.stdout.write(`${kscliVersion()}\n`);
else await main();

async function main(): Promise<void> {
  const [{ run }, { processIO }, { watchClosedOutput }, { MUTATING_COMMANDS }, { commandOf }] = await Promise.all([
    import('./cli.js'),
    import('./ui/io.js'),
    import('./ui/closed-output.js'),
    import('./commands/catalog.js'),
    import('./commands/argv.js'),
  ]);

  const io = processIO({ color: !process.argv.includes('--no-color') });
  /** the handler of the apply in progress (a mutating command between confirmation and result) */
  let applying: (() => void) | undefined;
  let outputGone = false;
  // stdout or stderr closed (`| head`), or the terminal went away (SIGHUP): see ui/closed-output.ts
  const onOutputGone = () => {
    if (outputGone) return;
    outputGone = true;
    if (applying)
      applying(); // as one Ctrl-C: finish the call in flight, journal it, exit 130
    else {
      // nothing is being changed: a read command (or a dry run) ends as git does; a mutating one
      // that stops before or after its apply did not finish its job: 130, as interrupted
      const argv = process.argv.slice(2);
      process.exit(MUTATING_COMMANDS.has(commandOf(argv) ?? '') && !argv.includes('--dry-run') ? 130 : 0);
    }
  };
  watchClosedOutput([process.stdout, process.stderr], onOutputGone);
  process.on('SIGHUP', onOutputGone);
  // SIGINT during apply: the command's handler lets the in-flight call finish, journals it and ends
  // with exit 130; a second Ctrl-C exits at once.
  const system: SystemHooks = {
    pid: process.pid,
    hostname: hostname(),
    isProcessAlive,
    onInterrupt(handler) {
      let count = 0;
      const listener = () => {
        count += 1;
        if (count > 1) process.exit(130);
        handler();
      };
      process.on('SIGINT', listener);
      applying = handler;
      return () => {
        process.off('SIGINT', listener);
        if (applying === handler) applying = undefined;
      };
    },
    onTerminate(handler) {
      process.on('SIGTERM', handler);
      return () => process.off('SIGTERM', handler);
    },
    exit(code) {
      process.exit(code);
    },
  };
  const code = await run(process.argv.slice(2), { io, env: process.env, system });
  process.exitCode = code;
}
