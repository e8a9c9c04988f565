/**
 * The JSON shapes SCIM documents are made of. Stored resources are plain JSON: core attributes
 * at the top level, extension attributes under their schema URN.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON object (not an array, not null): the only shape a SCIM resource or complex value has. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Set an own property even when the key is "__proto__": a plain assignment would replace the
 * prototype instead, so client-chosen keys (unknown extensions) always go through here.
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Case-insensitive own-key lookup: SCIM attribute names and URNs are case-insensitive (RFC 7643 §2.1). */
export function findKey(object: JsonObject, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === wanted);
}
