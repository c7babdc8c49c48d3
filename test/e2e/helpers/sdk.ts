/**
 * Configuration for AWS SDK clients that a TEST uses to act on the sandbox directly (another actor
 * than kscli: using a key, checking an alarm, describing a deleted store). No retries by default:
 * a test wants to see the first answer (give `maxAttempts` for calls under a tight sandbox quota,
 * e.g. LookupEvents at 2/s right after kscli used it).
 */
import { DUMMY_CREDENTIALS } from './credentials.js';

// the SDK warns at load time on Node 20, which kscli supports: keep the test output readable
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function sdkClientConfig(url: string, opts: { region?: string; maxAttempts?: number } = {}) {
  return {
    endpoint: url,
    region: opts.region ?? 'us-east-1',
    maxAttempts: opts.maxAttempts ?? 1,
    credentials: { ...DUMMY_CREDENTIALS },
  };
}
