/**
 * Validation and normalisation of one attribute value against its RFC 7643 §7 definition:
 * type checks, canonical sub-attribute spelling, multi-valued shape, and the RFC 7643 §2.5 rule
 * that null and empty arrays mean "unassigned". `undefined` as a result means "leave it out".
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { findAttribute, type AttributeDef } from '../schemas/index.js';
import { booleanFromEntraString } from '../entra-quirks.js';
import { isJsonObject, setOwn, type JsonObject, type JsonValue } from './json.js';

/** Upper bounds that keep one document sane; the HTTP layer bounds the payload size as a whole. */
export const LIMITS = {
  maxStringLength: 65_536,
  maxMultiValues: 1_000,
  maxDepth: 16,
} as const;

type Normalized = ScimResult<JsonValue | undefined>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const BASE64 = /^[A-Za-z0-9+/_\-=\s]*$/;

const invalid = (path: string, expected: string): Normalized =>
  fail(scimError('invalidValue', `attribute "${path}" must be ${expected}`));

/** True for attributes a client may not set: their values in a request are ignored (RFC 7643 §2.2). */
export function isIgnoredOnInput(attribute: AttributeDef): boolean {
  // writeOnly is only `password`: accepted and discarded, sign-in is OIDC, never a password.
  return attribute.mutability === 'readOnly' || attribute.mutability === 'writeOnly';
}

/** Normalise a whole attribute value (single or multi-valued) found at `path`. */
export function normalizeAttributeValue(attribute: AttributeDef, raw: unknown, path: string): Normalized {
  if (raw === null || raw === undefined) return ok(undefined);
  if (attribute.multiValued) {
    const items = Array.isArray(raw) ? raw : [raw];
    if (items.length > LIMITS.maxMultiValues) {
      return invalid(path, `a list of at most ${LIMITS.maxMultiValues} values`);
    }
    const values: JsonValue[] = [];
    for (const [index, item] of items.entries()) {
      const result = normalizeSingle(attribute, item, `${path}[${index}]`);
      if (!result.ok) return result;
      if (result.value !== undefined) values.push(result.value);
    }
    return ok(values.length > 0 ? values : undefined);
  }
  let value = raw;
  if (Array.isArray(value)) {
    // A one-element list for a single-valued attribute (Entra's manager `[{"value":…}]`).
    if (value.length === 0) return ok(undefined);
    if (value.length > 1) return invalid(path, 'a single value, not a list');
    value = value[0];
  }
  return normalizeSingle(attribute, value, path);
}

function normalizeSingle(attribute: AttributeDef, value: unknown, path: string): Normalized {
  if (value === null || value === undefined) return ok(undefined);
  switch (attribute.type) {
    case 'string':
    case 'reference':
      return checkString(value, path, 'a string');
    case 'boolean': {
      // Entra sends "True"/"False" (AzureAD/SCIMReferenceCode#21).
      const coerced = booleanFromEntraString(value as JsonValue);
      return typeof coerced === 'boolean' ? ok(coerced) : invalid(path, 'a boolean');
    }
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? ok(value) : invalid(path, 'an integer');
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : invalid(path, 'a decimal number');
    case 'dateTime':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? ok(value)
        : invalid(path, 'a dateTime such as "2024-05-01T12:00:00Z"');
    case 'binary':
      return typeof value === 'string' && BASE64.test(value)
        ? checkString(value, path, 'base64 data')
        : invalid(path, 'base64 data');
    case 'complex':
      return normalizeComplex(attribute, value, path);
  }
}

function checkString(value: unknown, path: string, expected: string): Normalized {
  if (typeof value !== 'string') return invalid(path, expected);
  if (value.length > LIMITS.maxStringLength) return invalid(path, `at most ${LIMITS.maxStringLength} characters`);
  return ok(value);
}

function normalizeComplex(attribute: AttributeDef, value: unknown, path: string): Normalized {
  if (!isJsonObject(value)) return invalid(path, 'an object');
  const result: JsonObject = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes ?? [], key);
    // Unknown sub-attributes are ignored rather than stored: the schema is closed for known attributes.
    if (!sub || isIgnoredOnInput(sub)) continue;
    const normalized = normalizeAttributeValue(sub, raw, `${path}.${sub.name}`);
    if (!normalized.ok) return normalized;
    if (normalized.value !== undefined) result[sub.name] = normalized.value;
  }
  return ok(Object.keys(result).length > 0 ? result : undefined);
}

/**
 * Copy a value of an extension we do not model, verbatim except nulls, within the size limits,
 * so it round-trips without ever being able to smuggle a prototype or an unbounded structure.
 */
export function copyVerbatim(value: unknown, path: string, depth = 0): Normalized {
  if (depth > LIMITS.maxDepth) return invalid(path, `nested at most ${LIMITS.maxDepth} levels deep`);
  if (value === null || value === undefined) return ok(undefined);
  if (typeof value === 'string') return checkString(value, path, 'a string');
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : invalid(path, 'a finite number');
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxMultiValues) return invalid(path, `a list of at most ${LIMITS.maxMultiValues} values`);
    const items: JsonValue[] = [];
    for (const [index, item] of value.entries()) {
      const copied = copyVerbatim(item, `${path}[${index}]`, depth + 1);
      if (!copied.ok) return copied;
      if (copied.value !== undefined) items.push(copied.value);
    }
    return ok(items.length > 0 ? items : undefined);
  }
  if (!isJsonObject(value)) return invalid(path, 'JSON');
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const copied = copyVerbatim(item, `${path}.${key}`, depth + 1);
    if (!copied.ok) return copied;
    if (copied.value !== undefined) setOwn(result, key, copied.value);
  }
  return ok(result);
}
