/**
 * add / replace / remove of one attribute inside its container object (the resource itself,
 * or an extension object). Dispatches on the attribute's shape: multi-valued (multi-valued.ts),
 * single complex (`name`, `manager`), simple, or an attribute of an extension we do not model.
 */
import { managerFromEntra } from '../entra-quirks.js';
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { matchesFilter } from '../filter/index.js';
import type { AttributeDef } from '../schemas/index.js';
import { coerceObject, coerceOne } from './coerce.js';
import { keepOnePrimary } from './elements.js';
import { deleteKey, getKey, isJsonObject, setKey, type JsonObject, type JsonValue } from './json.js';
import { removeElements, writeElements } from './multi-valued.js';
import type { AttributeTarget } from './target.js';

function storeOrDelete(container: JsonObject, name: string, value: JsonValue | undefined): void {
  const empty = value === undefined || (Array.isArray(value) && value.length === 0) || (isJsonObject(value) && Object.keys(value).length === 0);
  if (empty) deleteKey(container, name);
  else setKey(container, name, value);
}

/** Entra's manager spellings ("", bare id, [{$ref, value}], {value}) all end up as {value} or absent. */
function writeManager(container: JsonObject, target: AttributeTarget, value: JsonValue): ScimResult<void> {
  const manager = managerFromEntra(value);
  if (!manager.ok) return manager;
  storeOrDelete(container, target.name, manager.value ?? undefined);
  return ok(undefined);
}

function writeComplex(container: JsonObject, target: AttributeTarget, attribute: AttributeDef, value: JsonValue): ScimResult<void> {
  const current = getKey(container, target.name);
  if (target.filter && !(isJsonObject(current) && matchesFilter(current, target.filter, attribute.subAttributes ?? []))) {
    return fail(scimError('noTarget', `'${attribute.name}' does not match the filter`));
  }
  const next: JsonObject = isJsonObject(current) ? { ...current } : {};
  if (target.sub !== undefined) {
    if (value === null) deleteKey(next, target.sub);
    else setKey(next, target.sub, coerceOne(value, target.subDef));
  } else {
    if (!isJsonObject(value)) return fail(scimError('invalidValue', `'${attribute.name}' takes an object of sub-attributes`));
    // RFC 7644 §3.5.2.1/§3.5.2.3: both add and replace set the given sub-attributes and keep the rest.
    for (const [key, item] of Object.entries(value)) {
      if (item === null) deleteKey(next, key);
    }
    for (const [key, item] of Object.entries(coerceObject(value, attribute))) setKey(next, key, item);
  }
  storeOrDelete(container, target.name, next);
  return ok(undefined);
}

/** add or replace `value` at `target` inside `container` (mutated; the engine works on a copy). */
export function writeAttribute(container: JsonObject, kind: 'add' | 'replace', target: AttributeTarget, value: JsonValue): ScimResult<void> {
  const { attribute } = target;
  if (target.isManager && !target.filter && (target.sub === undefined || target.sub === 'value')) {
    return writeManager(container, target, value);
  }
  // RFC 7643 §2.5: assigning null unassigns (through a filter: the selected values or sub-attributes).
  if (value === null) return removeAttribute(container, target, undefined);
  if (!attribute) {
    const current = getKey(container, target.name);
    if (target.sub !== undefined) {
      const next: JsonObject = isJsonObject(current) ? { ...current } : {};
      setKey(next, target.sub, value);
      setKey(container, target.name, next);
    } else if (kind === 'add' && Array.isArray(current) && Array.isArray(value)) {
      setKey(container, target.name, [...current, ...value]);
    } else setKey(container, target.name, value);
    return ok(undefined);
  }
  if (attribute.multiValued) {
    const current = getKey(container, target.name);
    const list = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
    const written: JsonValue[] = [];
    const next = writeElements(list, kind, target, attribute, value, written);
    if (!next.ok) return next;
    storeOrDelete(container, target.name, keepOnePrimary(next.value, written));
    return ok(undefined);
  }
  if (attribute.type === 'complex') return writeComplex(container, target, attribute, value);
  if (typeof value === 'object' && value !== null) {
    return fail(scimError('invalidValue', `'${attribute.name}' takes a single ${attribute.type} value`));
  }
  setKey(container, target.name, coerceOne(value, attribute));
  return ok(undefined);
}

/** remove at `target`; removing what is not there succeeds (the result is the same). */
export function removeAttribute(container: JsonObject, target: AttributeTarget, value: JsonValue | undefined): ScimResult<void> {
  const { attribute } = target;
  const current = getKey(container, target.name);
  if (current === undefined) return ok(undefined);
  if (attribute?.multiValued) {
    const list = Array.isArray(current) ? current : [current];
    storeOrDelete(container, target.name, removeElements(list, target, attribute, value));
    return ok(undefined);
  }
  if (target.filter) {
    // `manager[value eq "id"]` (Entra): clear the manager only if it is still that id.
    const matches = isJsonObject(current) && matchesFilter(current, target.filter, attribute?.subAttributes ?? []);
    if (!matches) return ok(undefined);
  }
  if (target.sub !== undefined && isJsonObject(current)) {
    const next = { ...current };
    deleteKey(next, target.sub);
    storeOrDelete(container, target.name, next);
  } else deleteKey(container, target.name);
  return ok(undefined);
}
