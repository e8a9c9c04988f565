/**
 * What Microsoft Entra ID actually sends, normalised into what RFC 7643/7644 describe, so the
 * PATCH engine (and anything else reading client input) works on clean values. Each quirk is a
 * small pure function named after what Entra does; callers decide where it applies.
 */
import { scimError, type ScimResult } from './errors.js';
import { fail, ok } from '../../shared/result.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { getKey } from './patch/json.js';

/** Entra writes `"op": "Replace"`, `"Add"`, `"Remove"`; RFC 7644 §3.5.2 spells them lower-case. */
export function patchOpFromEntra(op: string): 'add' | 'replace' | 'remove' | undefined {
  const lower = op.trim().toLowerCase();
  return lower === 'add' || lower === 'replace' || lower === 'remove' ? lower : undefined;
}

/**
 * Entra sends booleans as the strings "True"/"False" (any case) — notably `active` on
 * soft-delete. Only exact words convert; anything else is left for validation to reject.
 */
export function booleanFromEntraString(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}

/**
 * The enterprise `manager` arrives as `{value}`, as a bare id string, as a one-element array
 * `[{"$ref": …, "value": …}]`, or as `""` / `{value: ""}` / `null` meaning "no manager".
 * Returns the RFC shape `{value}` or null (= clear). `$ref` and `displayName` are derived by
 * the server from the id, so whatever the client sent for them is dropped.
 */
export function managerFromEntra(value: JsonValue | undefined): ScimResult<JsonObject | null> {
  let candidate: JsonValue | undefined = value;
  if (Array.isArray(candidate)) {
    if (candidate.length > 1) return fail(scimError('invalidValue', 'manager takes a single value'));
    candidate = candidate[0];
  }
  if (candidate === undefined || candidate === null) return ok(null);
  if (typeof candidate === 'string') return ok(candidate.trim() === '' ? null : { value: candidate.trim() });
  if (isJsonObject(candidate)) {
    const id = getKey(candidate, 'value');
    if (id === undefined || id === null || (typeof id === 'string' && id.trim() === '')) return ok(null);
    if (typeof id === 'string') return ok({ value: id.trim() });
  }
  return fail(scimError('invalidValue', 'manager must be a user id, {"value": id}, or empty to clear it'));
}

/**
 * Entra removes group members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`
 * — a form RFC 7644 does not define — and means "remove these", not "remove all". Returns the
 * listed ids, or an error when the value is not a list of `{value}` objects.
 */
export function listedValuesFromEntra(value: JsonValue): ScimResult<string[]> {
  const items = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const item of items) {
    const id = isJsonObject(item) ? getKey(item, 'value') : item;
    if (typeof id !== 'string' || id === '') {
      return fail(scimError('invalidValue', 'values to remove must be objects with a non-empty "value"'));
    }
    ids.push(id);
  }
  return ok(ids);
}
