/**
 * One model of AWS (issue 12): the unit tests' hand-written fake (fakes/fake-aws.ts) and the
 * sandbox's account model must answer the same state x operation cases the same way. Each case
 * builds the same world in both (a CloudHSM store CONNECTED or DISCONNECTED, a key of it Enabled,
 * Disabled or PendingDeletion, an AWS-managed key, an empty store), makes one call through kscli's
 * KmsPort (the fake's, and the real adapters over the in-process sandbox), and compares the
 * outcome (ok or the error code) and what the key and the store read as afterwards. When the two
 * drift apart, this table says where; the fact sheet (aws-facts) decides which one is wrong.
 */
import { describe, expect, it } from 'vitest';
import type { KmsPort } from '../../../src/aws/ports.js';
import { DEMO_IDLE_STORE_ID, DEMO_KEYS, DEMO_STORE_ID } from '../../../src/sandbox/model/index.js';
import { InProcessSandbox, inProcessPorts } from '../../reliability/helpers/in-process-sandbox.js';
import { FakeAccount } from './fake-aws.js';

type StoreState = 'CONNECTED' | 'DISCONNECTED';
type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
type Op =
  | { op: 'ScheduleKeyDeletion'; days: number; target?: 'aws-managed' }
  | { op: 'CancelKeyDeletion' | 'EnableKey' | 'DisableKey'; target?: 'aws-managed' }
  | { op: 'DisconnectCustomKeyStore' | 'ConnectCustomKeyStore' | 'DeleteCustomKeyStore'; store?: 'idle' };

interface Seen {
  outcome: string;
  key: string;
  store: string;
}

const KEY = DEMO_KEYS.unusedA;
const DAY = 86_400_000;

async function observe(kms: KmsPort, op: Op, awsKey: string): Promise<Seen> {
  const keyId = 'target' in op && op.target === 'aws-managed' ? awsKey : KEY;
  const storeId = 'store' in op && op.store === 'idle' ? DEMO_IDLE_STORE_ID : DEMO_STORE_ID;
  let outcome = 'ok';
  try {
    switch (op.op) {
      case 'ScheduleKeyDeletion':
        await kms.scheduleKeyDeletion(keyId, op.days);
        break;
      case 'CancelKeyDeletion':
        await kms.cancelKeyDeletion(keyId);
        break;
      case 'EnableKey':
        await kms.enableKey(keyId);
        break;
      case 'DisableKey':
        await kms.disableKey(keyId);
        break;
      case 'DisconnectCustomKeyStore':
        await kms.disconnectStore(storeId);
        break;
      case 'ConnectCustomKeyStore':
        await kms.connectStore(storeId);
        break;
      case 'DeleteCustomKeyStore':
        await kms.deleteStore(storeId);
        break;
    }
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; name?: string };
    outcome = e.code ?? `${e.name} (exit ${e.exitCode})`;
  }
  const k = await kms.describeKey(keyId);
  const s = await kms.describeStore(storeId);
  return { outcome, key: k ? k.state : 'deleted', store: s ? s.connectionState : 'deleted' };
}

async function onSandbox(storeState: StoreState, keyState: KeyState, op: Op): Promise<Seen> {
  const sb = new InProcessSandbox({ config: { deletionLagMs: 0 } });
  const acc = sb.model.acc;
  acc.storeById.get(DEMO_STORE_ID)!.state = storeState;
  const k = acc.keyById.get(KEY)!;
  acc.setLogicalState(k, keyState);
  if (keyState === 'PendingDeletion') {
    k.deletionDate = sb.model.now().getTime() + 10 * DAY;
    k.pendingWindow = 10;
  }
  acc.dueStale = true;
  const awsKey = acc.state.keys.find((x) => x.manager === 'AWS')!.id;
  return observe(inProcessPorts(() => sb).kms(), op, awsKey);
}

async function onFake(storeState: StoreState, keyState: KeyState, op: Op): Promise<Seen> {
  const f = new FakeAccount({ region: 'us-east-1' });
  const store = f.addStore({ id: DEMO_STORE_ID, connectionState: storeState });
  f.addStore({ id: DEMO_IDLE_STORE_ID, connectionState: 'DISCONNECTED' });
  const unavailable = storeState !== 'CONNECTED' && keyState !== 'PendingDeletion';
  f.addKey({
    keyId: KEY,
    store,
    state: unavailable ? 'Unavailable' : keyState,
    ...(unavailable ? { restoreState: keyState } : {}),
  });
  f.addKey({ store }); // the store holds other keys too, as the demo store does
  const aws = f.addKey({ keyManager: 'AWS', store: null });
  return observe(f.kms(), op, aws.keyId);
}

const STORE_STATES: StoreState[] = ['CONNECTED', 'DISCONNECTED'];
const KEY_STATES: KeyState[] = ['Enabled', 'Disabled', 'PendingDeletion'];
const OPS: Op[] = [
  { op: 'ScheduleKeyDeletion', days: 7 },
  { op: 'ScheduleKeyDeletion', days: 30 },
  { op: 'ScheduleKeyDeletion', days: 7, target: 'aws-managed' },
  { op: 'CancelKeyDeletion' },
  { op: 'EnableKey' },
  { op: 'DisableKey' },
  { op: 'DisconnectCustomKeyStore' },
  { op: 'ConnectCustomKeyStore' },
  { op: 'DeleteCustomKeyStore' },
  { op: 'DeleteCustomKeyStore', store: 'idle' },
];

describe("the unit tests' fake and the sandbox model agree (state x operation)", () => {
  for (const storeState of STORE_STATES)
    for (const keyState of KEY_STATES)
      for (const op of OPS) {
        const name = `${op.op}${'days' in op ? `(${op.days})` : ''}${'target' in op && op.target ? ` on an ${op.target} key` : ''}${'store' in op && op.store ? ` on the ${op.store} store` : ''} | store ${storeState}, key ${keyState}`;
        it(name, async () => {
          const [fake, sandbox] = [await onFake(storeState, keyState, op), await onSandbox(storeState, keyState, op)];
          expect(fake, 'the fake answers differently from the sandbox model').toEqual(sandbox);
        });
      }
});
