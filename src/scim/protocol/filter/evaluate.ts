/**
 * In-memory filter evaluation (RFC 7644 §3.4.2.2) against one JSON object: a SCIM resource,
 * or one element of a multi-valued complex attribute (an email, a member) — which is how the
 * PATCH engine picks the targets of `members[value eq "id"]`. Listing filters run in SQL; this
 * is the reference semantics for everything that is already in memory.
 *
 * Rules: attribute names are case-insensitive; strings compare case-insensitively unless the
 * definition says caseExact (unknown attributes: case-insensitive); dateTimes order as instants;
 * a multi-valued attribute matches when any value does; a complex value with no sub-attribute
 * named compares its `value` sub-attribute (so `emails co "x"` means `emails.value co "x"`).
 */
import type { AttrPath } from '../schemas/index.js';
import { findAttribute, type AttributeDef } from '../schemas/attribute.js';
import { commonAttributes } from '../schemas/common.js';
import { allSchemas } from '../schemas/index.js';
import type { CompareOp, CompValue, Filter } from './ast.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Attribute lookup with RFC 7643 §2.1 case-insensitive names; own keys only, so `__proto__` finds nothing. */
function getKey(value: unknown, name: string): unknown {
  if (!isObject(value)) return undefined;
  if (Object.hasOwn(value, name)) return value[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(value).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : value[key];
}

/** A multi-valued attribute contributes each of its values; absent and null contribute nothing. */
function valuesOf(raw: unknown): unknown[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((item) => item !== undefined && item !== null);
}

interface Located {
  values: unknown[];
  def: AttributeDef | undefined;
}

/**
 * Find what a path refers to. A URN-qualified path looks inside the extension object keyed by
 * that URN when there is one; otherwise the URN names the core schema and the attribute sits at
 * the top level (`urn:…:core:2.0:User:userName`).
 */
function locate(value: unknown, path: AttrPath, attributes: readonly AttributeDef[]): Located {
  let container = value;
  let defs = attributes;
  if (path.schema !== undefined) {
    const extension = getKey(value, path.schema);
    if (isObject(extension)) {
      container = extension;
      const wanted = path.schema.toLowerCase();
      defs = allSchemas.find((schema) => schema.id.toLowerCase() === wanted)?.attributes ?? [];
    }
  }
  // Resources are usually described by their schema's list alone; id/externalId/meta are common to all.
  const def = findAttribute(defs, path.attr) ?? (defs === attributes ? findAttribute(commonAttributes, path.attr) : undefined);
  const top = valuesOf(getKey(container, path.attr));
  if (path.sub === undefined) return { values: top, def };
  const sub = path.sub;
  const subDef = def?.subAttributes ? findAttribute(def.subAttributes, sub) : undefined;
  return { values: top.flatMap((item) => valuesOf(getKey(item, sub))), def: subDef };
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  // A complex value counts as present when any of its sub-attributes has a value (one level deep).
  if (isObject(value)) return Object.values(value).some((sub) => sub !== undefined && sub !== null && sub !== '' && !(Array.isArray(sub) && sub.length === 0));
  return true;
}

function orderResult(op: CompareOp, order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    default:
      return false;
  }
}

/** xsd:dateTime as an instant; a missing zone is read as UTC (as the SQL compiler does), not as local time. */
function parseInstant(text: string): number {
  const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text);
  return Date.parse(zoneless ? `${text}Z` : text);
}

function compareStrings(actual: string, op: CompareOp, expected: string, def: AttributeDef | undefined): boolean {
  if (def?.type === 'dateTime' && op !== 'co' && op !== 'sw' && op !== 'ew') {
    const a = parseInstant(actual);
    const b = parseInstant(expected);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return orderResult(op, a - b);
  }
  const exact = def?.caseExact ?? false;
  const a = exact ? actual : actual.toLowerCase();
  const b = exact ? expected : expected.toLowerCase();
  if (op === 'co') return a.includes(b);
  if (op === 'sw') return a.startsWith(b);
  if (op === 'ew') return a.endsWith(b);
  return orderResult(op, a < b ? -1 : a > b ? 1 : 0);
}

/** One value against one comparison; a value of the wrong type never matches (and so is `ne`). */
function compareOne(actual: unknown, op: CompareOp, expected: CompValue, def: AttributeDef | undefined): boolean {
  if (isObject(actual)) {
    const valueDef = def?.subAttributes ? findAttribute(def.subAttributes, 'value') : undefined;
    const inner = getKey(actual, 'value');
    if (inner === undefined || inner === null || isObject(inner)) return op === 'ne';
    return compareOne(inner, op, expected, valueDef);
  }
  if (typeof expected === 'string' && typeof actual === 'string') return compareStrings(actual, op, expected, def);
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (op === 'co' || op === 'sw' || op === 'ew') return false;
    return orderResult(op, actual - expected);
  }
  if (typeof expected === 'boolean' && typeof actual === 'boolean' && (op === 'eq' || op === 'ne')) {
    return op === 'eq' ? actual === expected : actual !== expected;
  }
  return op === 'ne';
}

function matchesCompare(value: unknown, filter: Extract<Filter, { kind: 'compare' }>, attributes: readonly AttributeDef[]): boolean {
  const { values, def } = locate(value, filter.path, attributes);
  const { op, value: expected } = filter;
  // `eq null` asks for absence; `ne null` for presence (RFC 7644 §3.4.2.2 treats null as unassigned).
  if (expected === null) return op === 'eq' ? !values.some(isPresent) : op === 'ne' ? values.some(isPresent) : false;
  if (op === 'ne' && values.length === 0) return true;
  return values.some((actual) => compareOne(actual, op, expected, def));
}

function matchesValuePath(value: unknown, filter: Extract<Filter, { kind: 'valuePath' }>, attributes: readonly AttributeDef[]): boolean {
  const { values, def } = locate(value, filter.path, attributes);
  const elementDefs = def?.subAttributes ?? [];
  // Simple multi-valued attributes (e.g. `schemas`) have no sub-attributes: the element is its own `value`.
  const simpleDefs: readonly AttributeDef[] = def ? [{ ...def, name: 'value', multiValued: false }] : [];
  return values.some((element) =>
    isObject(element) ? matchesFilter(element, filter.filter, elementDefs) : matchesFilter({ value: element }, filter.filter, simpleDefs),
  );
}

/** Does this JSON object satisfy the filter? `attributes` describes the object's own attributes. */
export function matchesFilter(value: unknown, filter: Filter, attributes: readonly AttributeDef[]): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(value, filter.left, attributes) && matchesFilter(value, filter.right, attributes);
    case 'or':
      return matchesFilter(value, filter.left, attributes) || matchesFilter(value, filter.right, attributes);
    case 'not':
      return !matchesFilter(value, filter.filter, attributes);
    case 'present':
      return locate(value, filter.path, attributes).values.some(isPresent);
    case 'compare':
      return matchesCompare(value, filter, attributes);
    case 'valuePath':
      return matchesValuePath(value, filter, attributes);
  }
}
