import { TEST_CREDENTIALS } from './sdk-test-env.js';
import { describe, expect, it } from 'vitest';
import { createAwsPorts, lazyPort } from '../../../src/aws/index.js';

describe('createAwsPorts', () => {
  it('memoises ports per Region and exposes the home Region', () => {
    const ports = createAwsPorts({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });
    expect(ports.region).toBe('eu-west-1');
    expect(ports.kms()).toBe(ports.kms());
    expect(ports.cloudwatch()).toBe(ports.cloudwatch('eu-west-1'));
    expect(ports.cloudwatch('us-east-1')).not.toBe(ports.cloudwatch());
  });

  it('is not a thenable (awaiting a port must not call into it)', () => {
    const ports = createAwsPorts({ region: 'eu-west-1' });
    expect('then' in ports.kms()).toBe(false);
  });
});

describe('lazyPort', () => {
  it('loads the adapter on the first call only, and again after a failed load', async () => {
    let loads = 0;
    let fail = true;
    const port = lazyPort<{ hello(name: string): Promise<string> }>({ hello: true }, async () => {
      loads += 1;
      if (fail) throw new Error('cannot load');
      return { hello: async (name) => `hi ${name}` };
    });
    expect(loads).toBe(0);
    await expect(port.hello('a')).rejects.toThrow('cannot load');
    fail = false;
    expect(await port.hello('b')).toBe('hi b');
    expect(await port.hello('c')).toBe('hi c');
    expect(loads).toBe(2);
  });
});
