/**
 * The JSON shapes a SCIM document is made of, with the few helpers the PATCH engine needs
 * to treat them as values (equality, case-insensitive keys) rather than as JavaScript objects.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
  object[name] = value;
}

export function deleteKey(object: JsonObject, name: string): void {
  const existing = findKey(object, name);
  if (existing !== undefined) delete object[existing];
}
