/**
 * The ec2 protocol's answers: `<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">`
 * with `<requestId>` first and no Result wrapper; lists are `<item>` elements; members carry the
 * model's lowerCamel wire names (model/ec2/ builds outputs with them). Errors are
 * `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
 */
import type { SandboxError } from '../../contract.js';
import type { EncodedResponse } from '../wire.js';
import { escapeXml } from '../xml-encode.js';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';

function value(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => `<item>${value(x)}</item>`).join('');
  if (v && typeof v === 'object') return fields(v as Record<string, unknown>);
  return escapeXml(String(v));
}

function fields(o: Record<string, unknown>): string {
  let xml = '';
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) xml += `<${k}>${value(v)}</${k}>`;
  return xml;
}

export function encodeEc2Success(operation: string, output: unknown, requestId: string): EncodedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body: `${PROLOG}<${operation}Response xmlns="${NS}"><requestId>${escapeXml(requestId)}</requestId>${fields((output ?? {}) as Record<string, unknown>)}</${operation}Response>`,
  };
}

export function encodeEc2Error(err: SandboxError, requestId: string): EncodedResponse {
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body: `${PROLOG}<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`,
  };
}
