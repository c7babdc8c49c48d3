/**
 * awsQuery response encoding (STS, SNS, and CloudWatch for clients that still speak awsQuery):
 *   <OpResponse xmlns="..."><OpResult>...</OpResult><ResponseMetadata><RequestId>..</RequestId></ResponseMetadata></OpResponse>
 * Lists are `<member>` elements, maps `<entry><key/><value/></entry>` (the SDK's awsQuery parser and
 * botocore both read these non-flattened forms), timestamps ISO-8601 (wire-protocols.md).
 */
import type { ServiceName } from '../../contract.js';
import { serviceEntry } from '../../services/table.js';

/** The XML namespace an awsQuery service answers with (services/table.ts); CloudWatch's when it names none. */
function namespaceOf(service: ServiceName): string {
  return serviceEntry(service)?.queryNamespace ?? serviceEntry('monitoring')!.queryNamespace!;
}

/**
 * Output members that are maps, not structures: a JS object cannot tell them apart, and the
 * wire forms differ (`<entry><key>` versus one element per field). From the service's entry.
 */
function mapMembers(service: ServiceName, operation: string): Set<string> | undefined {
  const names = serviceEntry(service)?.queryMapMembers?.[operation];
  return names ? new Set(names) : undefined;
}

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
    // RDS names each item after its shape (`<DBInstances><DBInstance>`): the SDK's parser reads only that
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
  const ns = namespaceOf(service);
  const fields =
    output && typeof output === 'object'
      ? encodeFields(
          output as Record<string, unknown>,
          mapMembers(service, operation),
          serviceEntry(service)?.queryListMembers,
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
  const ns = namespaceOf(service);
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/** Elements for an object whose lists repeat their element (`flattened`, as S3 and EC2's `item`). */
function encodeElements(obj: Record<string, unknown>, listItem: string | undefined): string {
  let xml = '';
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const items = value.filter((v) => v !== undefined && v !== null);
      xml +=
        listItem === undefined
          ? items.map((v) => `<${key}>${encodeElementValue(v, listItem)}</${key}>`).join('')
          : `<${key}>${items.map((v) => `<${listItem}>${encodeElementValue(v, listItem)}</${listItem}>`).join('')}</${key}>`;
    } else xml += `<${key}>${encodeElementValue(value, listItem)}</${key}>`;
  }
  return xml;
}

function encodeElementValue(value: unknown, listItem: string | undefined): string {
  if (value instanceof Date || typeof value !== 'object' || value === null) return scalarText(value);
  return encodeElements(value as Record<string, unknown>, listItem);
}

/**
 * ec2Query (EC2's protocol): the form body of awsQuery, but the answer is
 * `<OpResponse xmlns><requestId/>members</OpResponse>` with lists as `<item>` and the members under
 * their wire names (EC2's lowerCamel `locationName`s: the handler returns them so).
 */
export function encodeEc2Response(operation: string, output: unknown, requestId: string, ns?: string): string {
  const fields = output && typeof output === 'object' ? encodeElements(output as Record<string, unknown>, 'item') : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${operation}Response xmlns="${ns ?? 'http://ec2.amazonaws.com/doc/2016-11-15/'}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${fields}</${operation}Response>`
  );
}

/** An ec2Query error: `<Response><Errors><Error>` and `RequestID` (EC2's spelling). */
export function encodeEc2Error(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}

/**
 * restXml (S3's protocol) without a codec of the service's own: the output's single top-level
 * member is the root element (`{ ListBucketResult: {...} }`), lists are flattened (repeated
 * elements), as S3 sends them. An empty output is an empty body.
 */
export function encodeRestXmlResponse(_operation: string, output: unknown): string {
  if (!output || typeof output !== 'object' || Object.keys(output).length === 0) return '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n${encodeElements(output as Record<string, unknown>, undefined)}`;
}

/** A restXml error, as S3 sends it: `<Error><Code/><Message/><RequestId/></Error>`. */
export function encodeRestXmlError(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></Error>`
  );
}
