/**
 * The JSON text of an object that no longer changes, made once: the object and everything in it
 * are frozen when its text is kept, so the text cannot go stale (modules are strict: changing a
 * frozen object throws). The sandbox serializes the same objects again and again (a caller's
 * userIdentity block in every CloudTrail event of that caller, cloudtrail/event-json.ts; every
 * recorded event at every save of the state file, server/state-text.ts).
 */
const texts = new WeakMap<object, string>();

function deepFreeze(v: unknown): void {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
}

/** `JSON.stringify(obj)`, kept; `obj` is deep-frozen the first time. */
export function frozenText(obj: object): string {
  let text = texts.get(obj);
  if (text === undefined) {
    deepFreeze(obj);
    text = JSON.stringify(obj);
    texts.set(obj, text);
  }
  return text;
}

/** The kept text of `obj`, if frozenText made one. */
export function keptText(obj: object): string | undefined {
  return texts.get(obj);
}
