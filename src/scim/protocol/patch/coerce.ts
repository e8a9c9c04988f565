/**
 * Values as clients send them → values as the schema types them, before the engine stores
 * them: Entra's "True"/"False" strings become booleans wherever the attribute is boolean
 * (including `primary` inside elements), attribute names take their canonical spelling, and
 * nulls inside complex values are dropped (RFC 7643 §2.5: null means unassigned).
 */
import { booleanFromEntraString } from '../entra-quirks.js';
import { findAttribute, type AttributeDef } from '../schemas/index.js';
import { isJsonObject, setKey, type JsonObject, type JsonValue } from './json.js';

/** One value of `def` (one element, for multi-valued attributes). */
export function coerceOne(value: JsonValue, def: AttributeDef | undefined): JsonValue {
  if (!def) return value;
  if (def.type === 'boolean') return booleanFromEntraString(value);
  if (def.type === 'complex' && isJsonObject(value)) return coerceObject(value, def);
  return value;
}

/** A complex value: each known sub-attribute coerced and canonically named; unknown ones kept. */
export function coerceObject(value: JsonObject, def: AttributeDef): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null) continue;
    const sub = findAttribute(def.subAttributes ?? [], key);
    setKey(out, sub?.name ?? key, coerceOne(item, sub));
  }
  return out;
}
