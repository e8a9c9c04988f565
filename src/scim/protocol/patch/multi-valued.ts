/**
 * add / replace / remove on a multi-valued attribute (RFC 7644 §3.5.2.1–3), with and without
 * a value filter and a sub-attribute. Works on the element list only; the caller stores it.
 *
 * One deliberate departure: add or replace through an `eq` filter that matches nothing creates
 * the element the filter describes. Entra sends `{"op":"Add","path":"phoneNumbers[type eq
 * \"mobile\"].value","value":"+1…"}` (and the same for `emails[type eq "work"].value`) for a
 * number the user does not have yet; RFC 7644 would answer noTarget, and Entra would then retry
 * the same request forever. Filters that do not describe one element (or, ne, pr…) still fail.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { matchesFilter } from '../filter/index.js';
import type { AttributeDef } from '../schemas/index.js';
import { coerceObject, coerceOne } from './coerce.js';
import { elementFromEqFilter, matchesListed, sameElement } from './elements.js';
import { deleteKey, isJsonObject, setKey, type JsonObject, type JsonValue } from './json.js';
import type { AttributeTarget } from './target.js';

type Elements = JsonValue[];

function withSub(element: JsonObject, sub: string, value: JsonValue): JsonObject {
  const copy = { ...element };
  setKey(copy, sub, value);
  return copy;
}

function asObject(value: JsonValue, attribute: AttributeDef): ScimResult<JsonObject> {
  if (!isJsonObject(value)) return fail(scimError('invalidValue', `each value of '${attribute.name}' must be an object`));
  return ok(coerceObject(value, attribute));
}

/** The new element list after an add or replace; `written` collects the elements this op wrote. */
export function writeElements(
  list: Elements,
  kind: 'add' | 'replace',
  target: AttributeTarget,
  attribute: AttributeDef,
  value: JsonValue,
  written: JsonValue[],
): ScimResult<Elements> {
  const subAttributes = attribute.subAttributes ?? [];
  const { filter, sub, subDef } = target;
  if (!filter && sub === undefined) {
    const next: Elements = kind === 'replace' ? [] : [...list];
    for (const raw of Array.isArray(value) ? value : [value]) {
      if (raw === null) continue;
      let item = coerceOne(raw, attribute);
      if (attribute.type === 'complex' && !isJsonObject(item)) {
        return fail(scimError('invalidValue', `each value of '${attribute.name}' must be an object`));
      }
      const index = next.findIndex((existing) => sameElement(existing, item));
      if (index === -1) next.push(item);
      else {
        const existing = next[index];
        item = isJsonObject(existing) && isJsonObject(item) ? { ...existing, ...item } : item;
        next[index] = item;
      }
      written.push(item);
    }
    return ok(next);
  }
  const subValue = sub === undefined ? undefined : coerceOne(value, subDef);
  if (!filter && sub !== undefined) {
    // `emails.value` without a filter addresses every element; with none yet, it creates one.
    if (list.length === 0) {
      const created = { [sub]: subValue ?? null };
      written.push(created);
      return ok([created]);
    }
    return ok(list.map((element) => (isJsonObject(element) ? withSub(element, sub, subValue ?? null) : element)));
  }
  if (!filter) return ok(list);
  const next = [...list];
  let matched = 0;
  for (const [index, element] of list.entries()) {
    if (!isJsonObject(element) || !matchesFilter(element, filter, subAttributes)) continue;
    matched++;
    let updated: JsonObject;
    if (sub !== undefined) updated = withSub(element, sub, subValue ?? null);
    else {
      const object = asObject(value, attribute);
      if (!object.ok) return object;
      updated = kind === 'add' ? { ...element, ...object.value } : object.value;
    }
    next[index] = updated;
    written.push(updated);
  }
  if (matched > 0) return ok(next);
  const base = elementFromEqFilter(filter, subAttributes);
  if (!base) return fail(scimError('noTarget', `no value of '${attribute.name}' matches the filter`));
  let created: JsonObject;
  if (sub !== undefined) created = withSub(base, sub, subValue ?? null);
  else {
    const object = asObject(value, attribute);
    if (!object.ok) return object;
    created = { ...base, ...object.value };
  }
  next.push(created);
  written.push(created);
  return ok(next);
}

/** The new element list after a remove; a `value` lists the elements to remove (Entra's members form). */
export function removeElements(list: Elements, target: AttributeTarget, attribute: AttributeDef, value: JsonValue | undefined): Elements {
  const { filter, sub } = target;
  const stripSub = (element: JsonValue): JsonValue | undefined => {
    if (!isJsonObject(element) || sub === undefined) return element;
    const copy = { ...element };
    deleteKey(copy, sub);
    return Object.keys(copy).length === 0 ? undefined : copy;
  };
  if (!filter) {
    if (sub !== undefined) return list.map(stripSub).filter((element): element is JsonValue => element !== undefined);
    if (value === undefined || value === null) return [];
    const listed = Array.isArray(value) ? value : [value];
    return list.filter((element) => !listed.some((item) => matchesListed(element, item)));
  }
  const result: Elements = [];
  for (const element of list) {
    if (!isJsonObject(element) || !matchesFilter(element, filter, attribute.subAttributes ?? [])) result.push(element);
    else if (sub !== undefined) {
      const stripped = stripSub(element);
      if (stripped !== undefined) result.push(stripped);
    }
  }
  return result;
}

