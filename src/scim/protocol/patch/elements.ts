/**
 * Helpers for the elements of multi-valued attributes (RFC 7643 §2.4): when two elements are
 * "the same", how an element is built from a value filter, and the one-primary rule.
 */
import type { Filter } from '../filter/index.js';
import { findAttribute, type AttributeDef } from '../schemas/index.js';
import { coerceOne } from './coerce.js';
import { getKey, isJsonObject, jsonEqual, setKey, type JsonObject, type JsonValue } from './json.js';

function normalisedType(element: JsonObject): JsonValue | undefined {
  const type = getKey(element, 'type');
  return typeof type === 'string' ? type.toLowerCase() : type;
}

/**
 * Equal, or the same `value` with the same `type`: adding {value, type, primary} next to an
 * existing {value, type} updates that element instead of listing the address twice.
 */
export function sameElement(a: JsonValue, b: JsonValue): boolean {
  if (jsonEqual(a, b)) return true;
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const value = getKey(b, 'value');
  return value !== undefined && jsonEqual(getKey(a, 'value'), value) && jsonEqual(normalisedType(a), normalisedType(b));
}

/** Does `element` match a listed value to remove: equal, or same `value` (and `type` when one is listed)? */
export function matchesListed(element: JsonValue, listed: JsonValue): boolean {
  if (jsonEqual(element, listed)) return true;
  if (!isJsonObject(element)) return false;
  if (typeof listed === 'string') return getKey(element, 'value') === listed;
  if (!isJsonObject(listed)) return false;
  const value = getKey(listed, 'value');
  if (value === undefined || !jsonEqual(getKey(element, 'value'), value)) return false;
  return getKey(listed, 'type') === undefined || jsonEqual(normalisedType(element), normalisedType(listed));
}

/**
 * The element a filter of `eq` clauses joined by `and` describes: `type eq "work"` → {type: "work"}.
 * Undefined when the filter says anything else (or, ne, pr, …): there is no one element to create.
 */
export function elementFromEqFilter(filter: Filter, subAttributes: readonly AttributeDef[]): JsonObject | undefined {
  if (filter.kind === 'and') {
    const left = elementFromEqFilter(filter.left, subAttributes);
    const right = elementFromEqFilter(filter.right, subAttributes);
    if (!left || !right) return undefined;
    for (const [key, value] of Object.entries(right)) {
      if (key in left && !jsonEqual(left[key], value)) return undefined;
    }
    return { ...left, ...right };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return undefined;
  if (filter.path.schema !== undefined || filter.path.sub !== undefined) return undefined;
  const def = findAttribute(subAttributes, filter.path.attr);
  if (!def) return undefined;
  return { [def.name]: coerceOne(filter.value, def) };
}

const isPrimary = (element: JsonValue): boolean => isJsonObject(element) && getKey(element, 'primary') === true;

/**
 * RFC 7643 §2.4: "primary" true appears at most once. When an operation sets it on one element,
 * the others lose it; the element written last by the operation wins.
 */
export function keepOnePrimary(elements: JsonValue[], written: readonly JsonValue[]): JsonValue[] {
  const primaries = elements.filter(isPrimary);
  if (primaries.length <= 1) return elements;
  const keep = [...written].reverse().find(isPrimary) ?? primaries[primaries.length - 1];
  return elements.map((element) => {
    if (element === keep || !isJsonObject(element) || !isPrimary(element)) return element;
    const copy = { ...element };
    setKey(copy, 'primary', false);
    return copy;
  });
}
