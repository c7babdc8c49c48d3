/**
 * awsQuery response encoding (STS, SNS, and CloudWatch for clients that still speak awsQuery):
 *   <OpResponse xmlns="..."><OpResult>...</OpResult><ResponseMetadata><RequestId>..</RequestId></ResponseMetadata></OpResponse>
 * Lists are `<member>` elements, maps `<entry><key/><value/></entry>` (the SDK's awsQuery parser and
 * botocore both read these non-flattened forms), timestamps ISO-8601 (wire-protocols.md).
 */
import type { ServiceName } from '../contract.js';

/** The XML namespace each awsQuery service answers with. */
export const QUERY_NAMESPACES: Partial<Record<ServiceName, string>> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  sns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  monitoring: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
};

/**
 * List members whose model names the element (`locationName`) instead of `<member>`: RDS names
 * each item after its shape (`<DBInstances><DBInstance>`), and the SDK's parser reads only that.
 */
const LIST_MEMBER_NAMES: Partial<Record<ServiceName, Record<string, string>>> = {
  rds: {
    DBInstances: 'DBInstance',
    DBClusters: 'DBCluster',
    DBSnapshots: 'DBSnapshot',
    DBClusterSnapshots: 'DBClusterSnapshot',
    DBClusterMembers: 'DBClusterMember',
    TagList: 'Tag',
    VpcSecurityGroups: 'VpcSecurityGroupMembership',
    AvailabilityZones: 'AvailabilityZone',
  },
};

/**
 * Output members that are maps, not structures: a JS object cannot tell them apart, and the
 * wire forms differ (`<entry><key>` versus one element per field). Keyed by "service.Operation".
 */
const MAP_MEMBERS: Record<string, Set<string>> = {
  'sns.GetTopicAttributes': new Set(['Attributes']),
  'sns.GetSubscriptionAttributes': new Set(['Attributes']),
};

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

function encodeValue(
  value: unknown,
  maps: Set<string> | undefined,
  field: string,
  members?: Record<string, string>,
): string {
  if (value instanceof Date || typeof value !== 'object' || value === null) return scalarText(value);
  if (Array.isArray(value)) {
    const tag = members?.[field] ?? 'member';
    return value
      .filter((v) => v !== undefined && v !== null)
      .map((v) => `<${tag}>${encodeValue(v, undefined, '', members)}</${tag}>`)
      .join('');
  }
  const obj = value as Record<string, unknown>;
  if (maps?.has(field)) {
    return Object.entries(obj)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${encodeValue(v, undefined, '')}</value></entry>`)
      .join('');
  }
  return encodeFields(obj, undefined, members);
}

function encodeFields(
  obj: Record<string, unknown>,
  maps: Set<string> | undefined,
  members?: Record<string, string>,
): string {
  let xml = '';
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || value === null) continue;
    xml += `<${key}>${encodeValue(value, maps, key, members)}</${key}>`;
  }
  return xml;
}

/** A successful awsQuery answer. An empty output has no `<OpResult>` element, as AWS sends it. */
export function encodeQueryResponse(
  service: ServiceName,
  operation: string,
  output: unknown,
  requestId: string,
): string {
  const ns = QUERY_NAMESPACES[service] ?? QUERY_NAMESPACES.monitoring!;
  const fields =
    output && typeof output === 'object'
      ? encodeFields(
          output as Record<string, unknown>,
          MAP_MEMBERS[`${service}.${operation}`],
          LIST_MEMBER_NAMES[service],
        )
      : '';
  const result = fields ? `<${operation}Result>${fields}</${operation}Result>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${operation}Response xmlns="${ns}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/** An awsQuery error: `Sender` for client faults (4xx), `Receiver` for server faults (5xx). */
export function encodeQueryError(
  service: ServiceName,
  code: string,
  message: string,
  status: number,
  requestId: string,
): string {
  const ns = QUERY_NAMESPACES[service] ?? QUERY_NAMESPACES.monitoring!;
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
