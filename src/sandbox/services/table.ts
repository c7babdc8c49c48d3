/**
 * The sandbox's table of services: one entry per AWS service it speaks (signing name, wire
 * protocol, routing, handlers, mutating operations, fault errors). The HTTP layer routes and
 * encodes from it (server/wire/), the account model dispatches from it (model/model.ts), the
 * request log, faults, quotas and CloudTrail take their per-service facts from it.
 *
 * Adding a service: its folder under model/ (handlers over the Account, state in state.ts when
 * it has any), and one entry here. REST services give `rest.routes` (method + path) and, for
 * restXml, their codec.
 */
import { handleAccount } from '../model/account-management/account-regions.js';
import { cloudhsmHandlers } from '../model/cloudhsm/cloudhsm.js';
import { cloudhsmTeardownHandlers } from '../model/cloudhsm/teardown.js';
import { handlePricing } from '../model/pricing/handlers.js';
import { cloudtrailHandlers } from '../model/cloudtrail/cloudtrail.js';
import { cloudwatchHandlers } from '../model/cloudwatch/alarms.js';
import { kmsHandlers } from '../model/kms/handlers.js';
import { logsHandlers } from '../model/logs/handlers.js';
import { handleOrganizations } from '../model/organizations/organizations.js';
import { snsHandlers } from '../model/sns/sns.js';
import { stsHandlers } from '../model/sts/identity.js';
import { backupHandlers } from '../model/backup/handlers.js';
import { backupCodec } from '../model/backup/wire.js';
import { configHandlers } from '../model/config/handlers.js';
import { dynamodbHandlers } from '../model/dynamodb/handlers.js';
import { ec2Handlers } from '../model/ec2/handlers.js';
import { rdsHandlers } from '../model/rds/handlers.js';
import { s3Handlers } from '../model/s3/handlers.js';
import { s3Codec } from '../model/s3/wire.js';
import { secretsmanagerHandlers } from '../model/secretsmanager/handlers.js';
import { ssmHandlers } from '../model/ssm/handlers.js';
import type { Handler } from '../model/handler.js';
import type { ServiceEntry } from './entry.js';

/** The tagging operations: mutating in every service that has them. */
const TAGGING = ['TagResource', 'UntagResource'] as const;

/** The throttling answer most AWS services give: their own code, the words "Rate exceeded". */
function rateExceeded(code: string): { code: string; message: string } {
  return { code, message: 'Rate exceeded' };
}

/** CloudTrail's and CloudWatch Logs' answer to an internal fault. */
const SERVICE_UNAVAILABLE = {
  code: 'ServiceUnavailableException',
  message: 'The service is unavailable. Try again later.',
};

/**
 * A regional JSON-protocol service routed by X-Amz-Target (`<targetPrefix>.<Operation>`). The
 * handlers come through a function so the getter still defers them (see SERVICES).
 */
function jsonService(
  signingName: string,
  protocol: 'awsJson1_0' | 'awsJson1_1',
  targetPrefix: string,
  handlers: () => Record<string, Handler>,
  extra: Partial<ServiceEntry> = {},
): ServiceEntry {
  return {
    signingName,
    protocols: [protocol],
    scope: 'regional',
    targetPrefix,
    get handlers() {
      return handlers();
    },
    ...extra,
  };
}

/** Written out (not inferred) so that handler types, which name ServiceName, do not loop back here. */
export type ServiceName =
  | 'kms'
  | 'cloudhsm'
  | 'cloudtrail'
  | 'logs'
  | 'monitoring'
  | 'sns'
  | 'sts'
  | 'organizations'
  | 'account'
  // the data at rest (issue 19): AWS Config and the services that hold data under keys
  | 'config'
  | 's3'
  | 'ec2'
  | 'rds'
  | 'dynamodb'
  | 'backup'
  | 'secretsmanager'
  | 'ssm'
  // the AWS Price List (issue 21)
  | 'pricing';

/**
 * `handlers` and `global` are getters: model modules (CloudTrail's event recording) read this
 * table too, and a getter lets the import cycle resolve before any handler is looked up.
 */
export const SERVICES: Record<ServiceName, ServiceEntry> = {
  kms: {
    signingName: 'kms',
    protocols: ['awsJson1_1'],
    scope: 'regional',
    targetPrefix: 'TrentService',
    get handlers() {
      return kmsHandlers();
    },
    mutating: [
      'ScheduleKeyDeletion',
      'CancelKeyDeletion',
      'EnableKey',
      'DisableKey',
      'ConnectCustomKeyStore',
      'DisconnectCustomKeyStore',
      'UpdateCustomKeyStore',
      'UpdateAlias',
      'UpdateKeyDescription',
      'PutKeyPolicy',
      'RetireGrant',
      'RevokeGrant',
      ...TAGGING,
      'EnableKeyRotation',
      'DisableKeyRotation',
      'ImportKeyMaterial',
      'DeleteImportedKeyMaterial',
      'ReplicateKey',
      'UpdatePrimaryRegion',
      'RotateKeyOnDemand',
    ],
    // aws-facts.md section 6: KMSInternalException is retried
    internalError: {
      code: 'KMSInternalException',
      message: 'The request was rejected because an internal exception occurred. The request can be retried.',
    },
    throttlingError: {
      code: 'ThrottlingException',
      message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    },
  },
  cloudhsm: {
    signingName: 'cloudhsm',
    protocols: ['awsJson1_1'],
    scope: 'regional',
    targetPrefix: 'BaldrApiService',
    get handlers() {
      return { ...cloudhsmHandlers, ...cloudhsmTeardownHandlers };
    },
    mutating: [
      'DeleteBackup',
      'DeleteHsm',
      'DeleteCluster',
      'RestoreBackup',
      'CopyBackupToRegion',
      'InitializeCluster',
      'ModifyBackupAttributes',
      'ModifyCluster',
      ...TAGGING,
    ],
    internalError: {
      code: 'CloudHsmInternalFailureException',
      message: 'The request was rejected because of an AWS CloudHSM internal failure. The request can be retried.',
    },
  },
  cloudtrail: {
    signingName: 'cloudtrail',
    protocols: ['awsJson1_1'],
    scope: 'regional',
    // the AWS CLI sends com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op: routed on the last part
    targetPrefix: 'CloudTrail_20131101',
    get handlers() {
      return cloudtrailHandlers;
    },
    mutating: ['StartLogging', 'StopLogging', 'PutEventSelectors', 'UpdateTrail', 'AddTags', 'RemoveTags'],
    internalError: SERVICE_UNAVAILABLE,
  },
  logs: {
    signingName: 'logs',
    protocols: ['awsJson1_1'],
    scope: 'regional',
    targetPrefix: 'Logs_20140328',
    get handlers() {
      return logsHandlers;
    },
    mutating: [
      'AssociateKmsKey',
      'DisassociateKmsKey',
      'PutMetricFilter',
      'DeleteMetricFilter',
      'PutRetentionPolicy',
      'DeleteRetentionPolicy',
      'PutLogEvents',
      'TagLogGroup',
      ...TAGGING,
    ],
    internalError: SERVICE_UNAVAILABLE,
  },
  monitoring: {
    signingName: 'monitoring',
    // CloudWatch speaks awsJson1_0 (query-compatible) to current SDKs and awsQuery to older clients
    protocols: ['awsJson1_0', 'awsQuery'],
    scope: 'regional',
    targetPrefix: 'GraniteServiceVersion20100801',
    queryVersion: '2010-08-01',
    queryNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    get handlers() {
      return cloudwatchHandlers;
    },
    mutating: [
      'PutMetricAlarm',
      'DeleteAlarms',
      'PutMetricData',
      'SetAlarmState',
      'EnableAlarmActions',
      'DisableAlarmActions',
      'PutCompositeAlarm',
      ...TAGGING,
    ],
    throttlingError: rateExceeded('Throttling'),
  },
  sns: {
    signingName: 'sns',
    protocols: ['awsQuery'],
    scope: 'regional',
    queryVersion: '2010-03-31',
    queryNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
    queryMapMembers: { GetTopicAttributes: ['Attributes'], GetSubscriptionAttributes: ['Attributes'] },
    get handlers() {
      return snsHandlers;
    },
    mutating: ['Publish', 'Subscribe', 'Unsubscribe', 'SetTopicAttributes', ...TAGGING],
    throttlingError: rateExceeded('Throttling'),
  },
  sts: {
    signingName: 'sts',
    protocols: ['awsQuery'],
    scope: 'regional',
    queryVersion: '2011-06-15',
    queryNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    // AssumeRole is answered by the organization model (org/org-model.ts), the rest by the cell
    get handlers() {
      return stsHandlers;
    },
    throttlingError: rateExceeded('Throttling'),
  },
  organizations: {
    signingName: 'organizations',
    protocols: ['awsJson1_1'],
    scope: 'global',
    targetPrefix: 'AWSOrganizationsV20161128',
    get handlers() {
      return {};
    },
    get global() {
      return handleOrganizations;
    },
    mutating: [
      'InviteAccountToOrganization',
      'LeaveOrganization',
      'MoveAccount',
      'RemoveAccountFromOrganization',
      'EnableAWSServiceAccess',
      'DisableAWSServiceAccess',
      'CloseAccount',
    ],
    throttlingError: rateExceeded('TooManyRequestsException'),
  },
  account: {
    signingName: 'account',
    protocols: ['restJson1'],
    scope: 'global',
    // the Account Management API: POST with a JSON body to one path per operation
    rest: {
      routes: [
        { method: 'POST', path: '/listRegions', operation: 'ListRegions' },
        { method: 'POST', path: '/getRegionOptStatus', operation: 'GetRegionOptStatus' },
      ],
    },
    get handlers() {
      return {};
    },
    get global() {
      return handleAccount;
    },
    mutating: ['EnableRegion', 'DisableRegion', 'PutAlternateContact', 'PutContactInformation'],
    throttlingError: rateExceeded('TooManyRequestsException'),
  },
  // the AWS Price List Query API (model/pricing/): global, read-only, no account state
  pricing: {
    signingName: 'pricing',
    protocols: ['awsJson1_1'],
    scope: 'global',
    targetPrefix: 'AWSPriceListService',
    get handlers() {
      return {};
    },
    get global() {
      return handlePricing;
    },
    throttlingError: rateExceeded('ThrottlingException'),
  },
  config: jsonService('config', 'awsJson1_1', 'StarlingDoveService', () => configHandlers, {
    mutating: ['StartConfigurationRecorder', 'StopConfigurationRecorder'],
  }),
  s3: {
    signingName: 's3',
    protocols: ['restXml'],
    // buckets are listed account-wide: the cell of the home Region holds them (org/org-model.ts)
    scope: 'regional',
    rest: s3Codec,
    get handlers() {
      return s3Handlers;
    },
    internalError: { code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
    throttlingError: { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 },
  },
  ec2: {
    signingName: 'ec2',
    protocols: ['ec2Query'],
    scope: 'regional',
    queryVersion: '2016-11-15',
    queryNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
    get handlers() {
      return ec2Handlers;
    },
    internalError: { code: 'InternalError', message: 'An internal error has occurred.' },
    throttlingError: { code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 },
  },
  rds: {
    signingName: 'rds',
    protocols: ['awsQuery'],
    scope: 'regional',
    queryVersion: '2014-10-31',
    queryNamespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
    queryListMembers: {
      DBInstances: 'DBInstance',
      DBClusters: 'DBCluster',
      DBSnapshots: 'DBSnapshot',
      DBClusterSnapshots: 'DBClusterSnapshot',
      DBClusterMembers: 'DBClusterMember',
      TagList: 'Tag',
      VpcSecurityGroups: 'VpcSecurityGroupMembership',
      AvailabilityZones: 'AvailabilityZone',
    },
    get handlers() {
      return rdsHandlers;
    },
    throttlingError: rateExceeded('Throttling'),
  },
  dynamodb: jsonService('dynamodb', 'awsJson1_0', 'DynamoDB_20120810', () => dynamodbHandlers, {
    internalError: { code: 'InternalServerError', message: 'Internal server error' },
  }),
  backup: {
    signingName: 'backup',
    protocols: ['restJson1'],
    scope: 'regional',
    rest: backupCodec,
    get handlers() {
      return backupHandlers;
    },
  },
  secretsmanager: jsonService('secretsmanager', 'awsJson1_1', 'secretsmanager', () => secretsmanagerHandlers),
  ssm: jsonService('ssm', 'awsJson1_1', 'AmazonSSM', () => ssmHandlers),
};

export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

export function serviceEntry(name: string): ServiceEntry | undefined {
  return Object.prototype.hasOwnProperty.call(SERVICES, name) ? SERVICES[name as ServiceName] : undefined;
}

export function isServiceName(name: string | undefined): name is ServiceName {
  return name !== undefined && serviceEntry(name) !== undefined;
}
