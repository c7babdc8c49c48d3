/** Drives the model the way the HTTP layer does: handle(), then recordCall() with the outcome. */
import { randomUUID } from 'node:crypto';
import { SandboxError, type ServiceName, type SandboxModel } from '../../../../src/sandbox/contract.js';

export const ACCESS_KEY = 'ASIASANDBOXTEST00001';

export function call(
  model: SandboxModel,
  service: ServiceName,
  operation: string,
  input: Record<string, unknown> = {},
): any {
  const ctx = { service, operation, region: 'us-east-1', accessKeyId: ACCESS_KEY, requestId: randomUUID() };
  try {
    const output = model.handle(ctx, input);
    model.recordCall(ctx, input, { output });
    return output;
  } catch (e) {
    if (e instanceof SandboxError) model.recordCall(ctx, input, { error: e });
    throw e;
  }
}

/** The SandboxError a call throws (fails the test when it succeeds). */
export function callError(
  model: SandboxModel,
  service: ServiceName,
  operation: string,
  input: Record<string, unknown> = {},
): SandboxError {
  try {
    call(model, service, operation, input);
  } catch (e) {
    if (e instanceof SandboxError) return e;
    throw e;
  }
  throw new Error(`${operation} succeeded but an error was expected`);
}

export const kms = (m: SandboxModel, op: string, input: Record<string, unknown> = {}): any => call(m, 'kms', op, input);
export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
