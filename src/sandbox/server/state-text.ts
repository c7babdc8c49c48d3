/**
 * The text of the sandbox's state file: exactly `JSON.stringify(state)`, with the text of each
 * recorded CloudTrail event and each log event made once and kept.
 *
 * Why: every call the sandbox answers becomes a CloudTrail event, and the trail delivers it to a
 * log group too, each holding the event's JSON as a string. The state file is saved after each
 * pause in requests, so a served sandbox re-serialised its whole history, escaping every quote of
 * every event again, at each save: in a whole `npm test` the servers' 1,777 saves took 34 s (issue
 * 17), with 2,500 calls of one test file making a 6.8 MB file of which 6.9 of 7 MB were these two
 * histories. Events are never changed once recorded (pruning and retention drop them from the
 * front of their arrays), so the text of one is made on the first save that meets it.
 *
 * The kept text cannot go stale: a record is frozen when its text is kept (util/frozen-text.ts), and
 * the history arrays themselves are read again at every save.
 */
import { frozenText } from '../../util/frozen-text.js';

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `JSON.stringify(obj)` for a plain object, with `member(key, value)` giving some members' text. */
function objectText(obj: Json, member: (key: string, value: unknown) => string | undefined): string {
  let out = '';
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    // the members JSON.stringify leaves out
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${out === '' ? '{' : ','}${JSON.stringify(k)}:${member(k, v) ?? JSON.stringify(v)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/** a history (recorded events, a log group's events): each record's text made once (frozenText) */
const historyText = (records: readonly unknown[]): string => arrayText(records, frozenText);

const logGroupMember = (key: string, value: unknown): string | undefined =>
  key === 'events' && Array.isArray(value) ? historyText(value) : undefined;

/** the members of one account (a Region's account state: model/state.ts) */
const accountMember = (key: string, value: unknown): string | undefined => {
  if (!Array.isArray(value)) return undefined;
  if (key === 'events') return historyText(value);
  if (key === 'logGroups') return arrayText(value, (g) => objectText(g, logGroupMember));
  return undefined;
};

/** `JSON.stringify(array)`, with `element` giving the text of its plain-object elements */
function arrayText(array: readonly unknown[], element: (obj: Json) => string): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    const v = array[i];
    out += (i === 0 ? '' : ',') + (isPlainObject(v) ? element(v) : (JSON.stringify(v) ?? 'null'));
  }
  return `${out}]`;
}

/** an organization's document (model/org/org-state.ts OrgDocument): one account state per cell */
const documentMember = (key: string, value: unknown): string | undefined =>
  key === 'cells' && Array.isArray(value) ? arrayText(value, (cell) => objectText(cell, accountMember)) : undefined;

/** `JSON.stringify(state)`, the same text, made faster for an account with a long history. */
export function stateText(state: unknown): string {
  if (!isPlainObject(state) || typeof state.toJSON === 'function') return JSON.stringify(state);
  return objectText(state, state.kind === 'org' ? documentMember : accountMember);
}
