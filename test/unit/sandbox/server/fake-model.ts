/**
 * A tiny stand-in for the account model (src/sandbox/model/), enough to test the HTTP layer on
 * its own: a few keys and stores with AWS-like errors, an STS identity, an SNS topic and alarms.
 */
import {
  SandboxError,
  type AdvanceReport,
  type CallContext,
  type SandboxModel,
  type SandboxStatus,
} from '../../../../src/sandbox/contract.js';
import type { ModelFactory } from '../../../../src/sandbox/server/model-holder.js';

interface FakeState {
  offsetMs: number;
  keys: Array<{ id: string; state: string; storeId?: string }>;
  stores: Array<{ id: string; state: string }>;
  alarms: Array<{ name: string; threshold: number; dimensions: Array<{ Name: string; Value: string }> }>;
}

export class FakeModel implements SandboxModel {
  readonly accountId = '111122223333';
  dirty = false;
  readonly calls: Array<{ operation: string; outcome: string }> = [];
  state: FakeState;

  constructor(state?: FakeState) {
    this.state = state ?? {
      offsetMs: 0,
      keys: [
        { id: '1234abcd-12ab-34cd-56ef-1234567890ab', state: 'Enabled', storeId: 'cks-1234567890abcdef0' },
        { id: '0987dcba-09fe-87dc-65ba-ab0987654321', state: 'Enabled' },
      ],
      stores: [
        { id: 'cks-1234567890abcdef0', state: 'CONNECTED' },
        { id: 'cks-0987654321fedcba0', state: 'DISCONNECTED' },
      ],
      alarms: [],
    };
  }

  now(): Date {
    return new Date(Date.now() + this.state.offsetMs);
  }

  clockOffsetMs(): number {
    return this.state.offsetMs;
  }

  private key(input: Record<string, unknown>) {
    const id = String(input.KeyId ?? '');
    const key = this.state.keys.find((k) => k.id === id || id.endsWith(`key/${k.id}`));
    if (!key)
      throw new SandboxError('NotFoundException', `Key 'arn:aws:kms:us-east-1:111122223333:key/${id}' does not exist`);
    return key;
  }

  private meta(k: { id: string; state: string; storeId?: string }) {
    return {
      KeyId: k.id,
      Arn: `arn:aws:kms:us-east-1:111122223333:key/${k.id}`,
      KeyState: k.state,
      CreationDate: new Date('2026-01-02T03:04:05.500Z'),
      CustomKeyStoreId: k.storeId,
      Enabled: k.state === 'Enabled',
    };
  }

  handle(ctx: CallContext, input: Record<string, unknown>): unknown {
    switch (`${ctx.service}.${ctx.operation}`) {
      case 'kms.ListKeys':
        return { Keys: this.state.keys.map((k) => ({ KeyId: k.id, KeyArn: this.meta(k).Arn })), Truncated: false };
      case 'kms.DescribeKey':
        return { KeyMetadata: this.meta(this.key(input)) };
      case 'kms.ScheduleKeyDeletion': {
        const k = this.key(input);
        if (k.state === 'PendingDeletion')
          throw new SandboxError('KMSInvalidStateException', `${this.meta(k).Arn} is pending deletion.`);
        k.state = 'PendingDeletion';
        this.dirty = true;
        return {
          KeyId: this.meta(k).Arn,
          KeyState: 'PendingDeletion',
          DeletionDate: new Date(this.now().getTime() + 30 * 86_400_000),
          PendingWindowInDays: 30,
        };
      }
      case 'kms.DescribeCustomKeyStores': {
        const id = input.CustomKeyStoreId as string | undefined;
        const stores = this.state.stores.filter((s) => !id || s.id === id);
        if (id && stores.length === 0)
          throw new SandboxError('CustomKeyStoreNotFoundException', `No custom key store ${id}`);
        return {
          CustomKeyStores: stores.map((s) => ({
            CustomKeyStoreId: s.id,
            ConnectionState: s.state,
            CreationDate: new Date('2026-01-01T00:00:00Z'),
          })),
          Truncated: false,
        };
      }
      case 'kms.DisconnectCustomKeyStore': {
        const s = this.state.stores.find((x) => x.id === input.CustomKeyStoreId);
        if (!s) throw new SandboxError('CustomKeyStoreNotFoundException', 'not found');
        s.state = 'DISCONNECTED';
        this.dirty = true;
        return {};
      }
      case 'kms.DeleteCustomKeyStore': {
        const s = this.state.stores.find((x) => x.id === input.CustomKeyStoreId);
        if (!s) throw new SandboxError('CustomKeyStoreNotFoundException', 'not found');
        if (this.state.keys.some((k) => k.storeId === s.id))
          throw new SandboxError('CustomKeyStoreHasCMKsException', 'The custom key store has KMS keys.');
        if (s.state !== 'DISCONNECTED')
          throw new SandboxError('CustomKeyStoreInvalidStateException', 'The custom key store must be disconnected.');
        this.state.stores = this.state.stores.filter((x) => x !== s);
        this.dirty = true;
        return {};
      }
      case 'sts.GetCallerIdentity':
        return { UserId: 'AIDAEXAMPLE', Account: this.accountId, Arn: 'arn:aws:iam::111122223333:user/sandbox' };
      case 'sns.GetTopicAttributes':
        if (input.TopicArn !== 'arn:aws:sns:us-east-1:111122223333:kms-alerts')
          throw new SandboxError('NotFound', 'Topic does not exist', 404);
        return { Attributes: { TopicArn: String(input.TopicArn), DisplayName: 'a<b' } };
      case 'monitoring.PutMetricAlarm':
        this.state.alarms = this.state.alarms.filter((a) => a.name !== input.AlarmName);
        this.state.alarms.push({
          name: String(input.AlarmName),
          threshold: Number(input.Threshold),
          dimensions: (input.Dimensions as FakeState['alarms'][0]['dimensions']) ?? [],
        });
        this.dirty = true;
        return {};
      case 'monitoring.DescribeAlarms': {
        const names = input.AlarmNames as string[] | undefined;
        return {
          MetricAlarms: this.state.alarms
            .filter((a) => !names || names.includes(a.name))
            .map((a) => ({
              AlarmName: a.name,
              Threshold: a.threshold,
              Dimensions: a.dimensions,
              StateValue: 'OK',
              StateUpdatedTimestamp: new Date('2026-11-01T00:00:00Z'),
              AlarmActions: ['arn:aws:sns:us-east-1:111122223333:kms-alerts'],
            })),
        };
      }
      case 'monitoring.DeleteAlarms': {
        const names = (input.AlarmNames as string[]) ?? [];
        const missing = names.filter((n) => !this.state.alarms.some((a) => a.name === n));
        if (missing.length) throw new SandboxError('ResourceNotFound', `alarms not found: ${missing.join(',')}`, 404);
        this.state.alarms = this.state.alarms.filter((a) => !names.includes(a.name));
        this.dirty = true;
        return {};
      }
      case 'cloudtrail.LookupEvents':
        return { Events: [{ EventId: 'e1', EventName: 'Decrypt', EventTime: new Date('2026-11-20T00:00:00Z') }] };
      case 'cloudhsm.DescribeClusters':
        return {
          Clusters: [
            { ClusterId: 'cluster-1a23b4cdefg', State: 'ACTIVE', CreateTimestamp: new Date('2025-01-01T00:00:00Z') },
          ],
        };
      case 'logs.DescribeLogGroups':
        return { logGroups: [{ logGroupName: 'aws-cloudtrail-logs-111122223333', creationTime: 1700000000000 }] };
      default:
        throw new SandboxError('UnknownOperationException', `The sandbox does not implement ${ctx.operation}.`);
    }
  }

  recordCall(
    ctx: CallContext,
    _input: Record<string, unknown>,
    outcome: { output?: unknown; error?: SandboxError },
  ): void {
    this.calls.push({ operation: ctx.operation, outcome: outcome.error ? outcome.error.code : 'ok' });
  }

  advance(ms: number): AdvanceReport {
    const from = this.now();
    this.state.offsetMs += ms;
    this.dirty = true;
    return { from, to: this.now(), deletedKeys: [], storeTransitions: [], purgedBackups: [] };
  }

  status(): SandboxStatus {
    return {
      now: this.now(),
      accountId: this.accountId,
      stores: this.state.stores.map((s) => ({
        id: s.id,
        name: s.id,
        type: 'AWS_CLOUDHSM',
        connectionState: s.state,
        keyStates: {},
      })),
      keysOutsideStores: this.state.keys.filter((k) => !k.storeId).length,
      alarms: this.state.alarms.map((a) => ({ name: a.name, state: 'OK' })),
      backups: [],
    };
  }

  takeDirty(): boolean {
    const d = this.dirty;
    this.dirty = false;
    return d;
  }

  toJSON(): unknown {
    return this.state;
  }
}

export const fakeFactory: ModelFactory = {
  fromJSON(json) {
    const s = json as FakeState;
    if (!Array.isArray(s?.keys)) throw new Error('not a fake state');
    return new FakeModel(structuredClone(s));
  },
  scenario: () => new FakeModel(),
};
