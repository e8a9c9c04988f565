/**
 * JSON helpers for building documents from client input. The types are the shared ones
 * (../json.ts); what is added here is the one safe way to copy a client-chosen key.
 */
import type { JsonObject, JsonValue } from '../json.js';

export type { JsonObject, JsonPrimitive, JsonValue } from '../json.js';
export { isJsonObject } from '../json.js';

/**
 * Set an own property even when the key is "__proto__": a plain assignment would replace the
 * prototype instead, so client-chosen keys (unknown extensions) always go through here.
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
