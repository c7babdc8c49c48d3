/**
 * Shared set-up for adapter tests. Import it first: the SDK warns about Node 20 when it loads, and
 * kscli silences that in main.ts before any SDK module loads; tests do the same here.
 */
import { AwsClients } from '../../../src/aws/clients.js';
import type { AwsConfig } from '../../../src/aws/ports.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Dummy static credentials: no test ever reaches the default credential chain. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret-not-real' };

export function testClients(overrides: Partial<AwsConfig> = {}): AwsClients {
  return new AwsClients({
    region: 'us-east-1',
    endpointUrl: 'http://127.0.0.1:9',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    ...overrides,
  });
}

export const SITE = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9' };

/** An SDK-shaped service error, as the deserializer builds it for an unmodelled code. */
export function serviceError(name: string, message: string, status = 400, requestId = 'req-1'): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId, attempts: 1 },
  });
}
