/**
 * The few helpers the PATCH engine needs to treat JSON documents as values (equality,
 * case-insensitive keys, safe writes of client-chosen keys) rather than as JavaScript objects.
 */

import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';

export { isJsonObject, type JsonObject, type JsonPrimitive, type JsonValue } from '../json.js';

/** Structural equality; object key order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * The key under which `name` is stored, matched case-insensitively (RFC 7643 §2.1: attribute
 * names are case-insensitive), so "Emails" in a stored document is updated rather than shadowed.
 */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const wanted = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === wanted);
}

export function getKey(object: JsonObject, name: string): JsonValue | undefined {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** Set `name`, replacing an existing key of different case so no two spellings coexist. */
export function setKey(object: JsonObject, name: string, value: JsonValue): void {
  const existing = findKey(object, name);
  if (existing !== undefined && existing !== name) delete object[existing];
  // defineProperty, not assignment: a client-chosen "__proto__" key must stay a plain key.
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

export function deleteKey(object: JsonObject, name: string): void {
  const existing = findKey(object, name);
  if (existing !== undefined) delete object[existing];
}
