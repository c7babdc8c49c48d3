/**
 * The end-to-end harness: the built kscli (in the test's process, or `node bin/kscli.js` as a child
 * process) against `kscli sandbox serve` over real HTTP. See README.md beside this file.
 */
export { assertBuilt, BIN, ROOT } from './build.js';
export { DUMMY_CREDENTIALS, SECRET_STRINGS, secretsIn } from './credentials.js';
export { kscliEnv, type Env, type EnvOptions } from './env.js';
export { createWorkspace, type Workspace } from './workspace.js';
export { runKscli, type RunOptions, type RunResult } from './run.js';
export { runKscliBy, type Runner } from './runner.js';
export { startServe, TEST_PACE, TEST_TIMING, type ServedSandbox, type ServeOptions } from './sandbox-serve.js';
export {
  readRequestLog,
  requestLogFile,
  isMutatingRequest,
  mutatingOperations,
  type LoggedRequest,
} from './request-log.js';
export { startE2E, type E2E, type E2EOptions, type KscliCall } from './e2e.js';
export { startLanes, type Lanes } from './lanes.js';
export {
  expectExit,
  expectCleanError,
  expectNoMutatingRequests,
  expectNoStackTrace,
  STACK_FRAME,
} from './assertions.js';
export { DEMO } from './demo.js';
export { sdkClientConfig } from './sdk.js';
export { readJournal, readJournalDir, unjournaledRequests, type JournalLine } from './journal.js';
export { ptyAvailable, runInPty, type PtyStep } from './pty.js';
export { AWS_CLI, startAwsCli, type AwsCli, type AwsResult, type BotocoreCall, type BotocoreResult } from './awscli.js';
