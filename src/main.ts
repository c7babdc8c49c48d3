/**
 * The only module that touches process.* (argv, env, exit code, signals): architecture.md section 2.
 */
// The current AWS SDK warns on Node 20 at load time; kscli supports Node >= 20, so silence it for
// our users before any SDK module can load (they are all imported lazily, after this line).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { hostname } from 'node:os';
import { run } from './cli.js';
import { processIO } from './ui/io.js';
import type { SystemHooks } from './deps.js';

const io = processIO({ color: !process.argv.includes('--no-color') });
// SIGINT during apply: the command's handler lets the in-flight call finish, journals it and ends
// with exit 130; a second Ctrl-C exits at once.
const system: SystemHooks = {
  pid: process.pid,
  hostname: hostname(),
  isProcessAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
    }
  },
  onInterrupt(handler) {
    let count = 0;
    const listener = () => {
      count += 1;
      if (count > 1) process.exit(130);
      handler();
    };
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
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
