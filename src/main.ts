/**
 * The only module that touches process.* (argv, env, exit code, signals): architecture.md section 2.
 */
// The current AWS SDK warns on Node 20 at load time; kscli supports Node >= 20, so silence it for
// our users before any SDK module can load (they are all imported lazily, after this line).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { run } from './cli.js';
import { processIO } from './ui/io.js';

const io = processIO({ color: !process.argv.includes('--no-color') });
const code = await run(process.argv.slice(2), { io, env: process.env });
process.exitCode = code;
