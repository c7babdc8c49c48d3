/**
 * A CloudTrail event's JSON text, exactly as JSON.stringify gives it, with the text of a fixed
 * member made once (issue 17: every recorded call's event is serialized, and its largest member,
 * the caller's userIdentity block, is the same for a caller within a second of sandbox time).
 *
 * A fixed member is deep-frozen when it is registered (util/frozen-text.ts), so the text kept for
 * it cannot go stale.
 */
import { frozenText, keptText } from '../../../util/frozen-text.js';

/** `"eventName":` and friends: the same few dozen member names on every event */
const keyTexts = new Map<string, string>();

/** Freezes `obj` and everything in it, and keeps its JSON text for eventJson. */
export function fixedMember<T extends object>(obj: T): T {
  frozenText(obj);
  return obj;
}

/** JSON.stringify(event) for a plain object event (members skipped as JSON.stringify skips them). */
export function eventJson(event: Record<string, unknown>): string {
  let out = '';
  for (const k of Object.keys(event)) {
    const v = event[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    let key = keyTexts.get(k);
    if (key === undefined) {
      key = `${JSON.stringify(k)}:`;
      // member names come from the model's own events, but keep the table bounded anyway
      if (keyTexts.size < 1000) keyTexts.set(k, key);
    }
    const fixed = v !== null && typeof v === 'object' ? keptText(v) : undefined;
    out += (out === '' ? '{' : ',') + key + (fixed ?? JSON.stringify(v));
  }
  return out === '' ? '{}' : `${out}}`;
}
