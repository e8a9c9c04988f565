/**
 * POST/PUT bodies (and PATCH results) → a clean stored SCIM document (RFC 7643 §2–4, §8):
 * canonical attribute spelling, client quirks removed, readOnly/writeOnly values ignored,
 * null/empty values dropped, types checked, required attributes present, `schemas` rewritten.
 *
 * Choices the RFC leaves open, made here:
 * - `schemas` missing, not a list of strings, or without the core URN → 400 invalidSyntax.
 * - Unknown core attributes and sub-attributes are ignored (RFC 7644 §3.3 lets a server ignore
 *   what it does not define); wrong types of known attributes are 400 invalidValue. An
 *   unqualified name that only an extension defines ("manager", "department") goes there.
 * - Extensions we do not model (any key holding a URI) are kept verbatim so they round-trip,
 *   and their URN is listed in `schemas`, whether or not the client listed it.
 * - `mode` does not change the rules: RFC 7644 §3.5.1 makes a PUT body a whole resource, same
 *   as POST; it is part of the signature so a later rule (e.g. immutables on replace) has a home.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { commonAttributes } from '../schemas/common.js';
import {
  ENTERPRISE_USER_SCHEMA,
  findAttribute,
  findExtensionAttribute,
  findSchema,
  groupResourceType,
  splitSchemaPrefix,
  type AttributeDef,
  type ResourceTypeDef,
  type SchemaDef,
} from '../schemas/index.js';
import { managerFromEntra } from '../entra-quirks.js';
import { isJsonObject, setOwn, type JsonObject, type JsonValue } from './json.js';
import { normalizeMembers, type MemberInput } from './members.js';
import { copyVerbatim, isIgnoredOnInput, normalizeAttributeValue } from './value.js';

export type NormalizeMode = 'create' | 'replace';
export type { MemberInput } from './members.js';

export interface NormalizedGroup {
  doc: JsonObject;
  /** undefined when the body had no `members` key; [] when it was null or empty. */
  members: MemberInput[] | undefined;
}

/** Normalise a User or Group body. For Groups, `members` is validated and left out of the document. */
export function normalizeResource(input: unknown, resourceType: ResourceTypeDef, mode: NormalizeMode): ScimResult<JsonObject> {
  const result = normalize(input, resourceType, mode);
  return result.ok ? ok(result.value.doc) : result;
}

/** Normalise a Group body and hand back its members separately (they are rows, not document). */
export function normalizeGroup(input: unknown, mode: NormalizeMode): ScimResult<NormalizedGroup> {
  return normalize(input, groupResourceType, mode);
}

/** Where normalised values accumulate while the body is walked. */
interface Draft {
  core: JsonObject;
  extensions: Map<string, JsonObject>;
  unknown: Map<string, JsonObject>;
  membersRaw: { value: unknown } | undefined;
}

function normalize(input: unknown, resourceType: ResourceTypeDef, _mode: NormalizeMode): ScimResult<NormalizedGroup> {
  if (!isJsonObject(input)) return fail(scimError('invalidSyntax', 'the request body must be a JSON object'));
  const declared = checkSchemas(input, resourceType);
  if (!declared.ok) return declared;

  const draft: Draft = { core: {}, extensions: new Map(), unknown: new Map(), membersRaw: undefined };
  for (const [key, raw] of Object.entries(input)) {
    if (key.toLowerCase() === 'schemas') continue;
    const applied = key.includes(':') ? applySchemaKey(draft, resourceType, key, raw) : applyCore(draft, resourceType, key, raw);
    if (!applied.ok) return applied;
  }

  clearEmptyManager(draft);
  for (const attribute of resourceType.schema.attributes) {
    if (!attribute.required) continue;
    const value = draft.core[attribute.name];
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      return fail(scimError('invalidValue', `attribute "${attribute.name}" is required`));
    }
  }

  let members: MemberInput[] | undefined;
  if (draft.membersRaw) {
    const normalized = normalizeMembers(draft.membersRaw.value);
    if (!normalized.ok) return normalized;
    members = normalized.value;
  }
  return ok({ doc: assemble(draft, resourceType), members });
}

/** `manager.value` set to "" by a dotted key still means "no manager". */
function clearEmptyManager(draft: Draft): void {
  const enterprise = draft.extensions.get(ENTERPRISE_USER_SCHEMA);
  if (enterprise?.manager === undefined) return;
  const manager = managerFromEntra(enterprise.manager);
  if (manager.ok && manager.value === null) delete enterprise.manager;
}

function checkSchemas(input: JsonObject, resourceType: ResourceTypeDef): ScimResult<true> {
  const key = Object.keys(input).find((name) => name.toLowerCase() === 'schemas');
  const schemas = key === undefined ? undefined : input[key];
  const core = resourceType.schema.id;
  if (!Array.isArray(schemas) || !schemas.every((urn) => typeof urn === 'string')) {
    return fail(scimError('invalidSyntax', `"schemas" is required and must be a list of URIs including "${core}"`));
  }
  if (!schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === core.toLowerCase())) {
    return fail(scimError('invalidSyntax', `"schemas" must include "${core}"`));
  }
  return ok(true);
}

/** A top-level key holding a URI: an extension object, a URN-qualified attribute, or the core URN. */
function applySchemaKey(draft: Draft, resourceType: ResourceTypeDef, key: string, raw: unknown): ScimResult<true> {
  const schema = findSchema(resourceType, key);
  if (schema) {
    if (raw === null || raw === undefined) return ok(true);
    if (!isJsonObject(raw)) return fail(scimError('invalidValue', `attribute "${schema.id}" must be an object`));
    for (const [name, value] of Object.entries(raw)) {
      const applied = schema === resourceType.schema
        ? applyCore(draft, resourceType, name, value)
        : applyExtension(draft, schema, name, value);
      if (!applied.ok) return applied;
    }
    return ok(true);
  }
  const split = splitSchemaPrefix(key, resourceType);
  const known = split.schema === undefined ? undefined : findSchema(resourceType, split.schema);
  if (known && split.rest !== '') {
    // "urn:…:enterprise:2.0:User:department" as a key (Entra's path-less PATCH value shape).
    return known === resourceType.schema
      ? applyCore(draft, resourceType, split.rest, raw)
      : applyExtension(draft, known, split.rest, raw);
  }
  if (isJsonObject(raw)) return mergeUnknown(draft, key, raw, key);
  if (raw === null || raw === undefined || split.schema === undefined || split.rest === '') {
    return raw === null || raw === undefined ? ok(true) : fail(scimError('invalidValue', `attribute "${key}" must be an object`));
  }
  // "urn:acme:…:User:costCode": one attribute of an extension we do not model.
  return mergeUnknown(draft, split.schema, { [split.rest]: raw as JsonValue }, key);
}

function mergeUnknown(draft: Draft, urn: string, raw: JsonObject, path: string): ScimResult<true> {
  const copied = copyVerbatim(raw, path);
  if (!copied.ok) return copied;
  if (!isJsonObject(copied.value) || Object.keys(copied.value).length === 0) return ok(true);
  const existingKey = [...draft.unknown.keys()].find((name) => name.toLowerCase() === urn.toLowerCase()) ?? urn;
  const target = draft.unknown.get(existingKey) ?? {};
  for (const [name, value] of Object.entries(copied.value)) setOwn(target, name, value);
  draft.unknown.set(existingKey, target);
  return ok(true);
}

function applyCore(draft: Draft, resourceType: ResourceTypeDef, name: string, raw: unknown): ScimResult<true> {
  const attributes = [...commonAttributes, ...resourceType.schema.attributes];
  if (resourceType === groupResourceType && name.toLowerCase() === 'members') {
    draft.membersRaw = { value: raw };
    return ok(true);
  }
  const base = name.split('.', 1)[0] ?? name;
  if (!findAttribute(attributes, base)) {
    // Entra writes the enterprise `manager` without its URN (PATCH path "manager"); an unqualified
    // name no core attribute claims goes to the one extension that defines it.
    const owner = findExtensionAttribute(resourceType, base);
    if (owner) return applyExtension(draft, owner.schema, name, raw);
  }
  return applyAttribute(draft.core, attributes, name, raw, '');
}

function applyExtension(draft: Draft, schema: SchemaDef, name: string, raw: unknown): ScimResult<true> {
  const target = draft.extensions.get(schema.id) ?? {};
  draft.extensions.set(schema.id, target);
  return applyAttribute(target, schema.attributes, name, raw, `${schema.id}:`, schema.id);
}

/** Set one attribute (plain or dotted "name.givenName") on `target`, in canonical spelling. */
function applyAttribute(
  target: JsonObject,
  attributes: readonly AttributeDef[],
  name: string,
  raw: unknown,
  pathPrefix: string,
  schemaId?: string,
): ScimResult<true> {
  const dot = name.indexOf('.');
  const attribute = findAttribute(attributes, dot < 0 ? name : name.slice(0, dot));
  // Unknown attributes are ignored, and so are values of readOnly/writeOnly ones (RFC 7643 §2.2).
  if (!attribute || isIgnoredOnInput(attribute)) return ok(true);
  if (dot >= 0) return applySubAttribute(target, attribute, name.slice(dot + 1), raw, pathPrefix);

  let value = raw;
  if (schemaId === ENTERPRISE_USER_SCHEMA && attribute.name === 'manager') {
    // A bare id, a one-element list, "" or {value:""} (Entra, the SCIM Validator) → {value} or cleared.
    const manager = managerFromEntra(raw as JsonValue | undefined);
    if (!manager.ok) {
      return fail(scimError('invalidValue', `attribute "${pathPrefix}manager" must be a user id, {"value": id}, or empty to clear it`));
    }
    value = manager.value;
  }
  const normalized = normalizeAttributeValue(attribute, value, `${pathPrefix}${attribute.name}`);
  if (!normalized.ok) return normalized;
  if (normalized.value === undefined) delete target[attribute.name];
  else target[attribute.name] = normalized.value;
  return ok(true);
}

function applySubAttribute(target: JsonObject, attribute: AttributeDef, subName: string, raw: unknown, pathPrefix: string): ScimResult<true> {
  const sub = findAttribute(attribute.subAttributes ?? [], subName);
  if (!sub || isIgnoredOnInput(sub)) return ok(true);
  const path = `${pathPrefix}${attribute.name}.${sub.name}`;
  if (attribute.multiValued) {
    return fail(scimError('invalidValue', `attribute "${path}" names a sub-attribute of a multi-valued attribute; send "${attribute.name}" as a list`));
  }
  const normalized = normalizeAttributeValue(sub, raw, path);
  if (!normalized.ok) return normalized;
  const current = target[attribute.name];
  const parent: JsonObject = isJsonObject(current) ? current : {};
  if (normalized.value === undefined) delete parent[sub.name];
  else parent[sub.name] = normalized.value;
  if (Object.keys(parent).length > 0) target[attribute.name] = parent;
  else delete target[attribute.name];
  return ok(true);
}

/** `schemas` first, then core attributes, then each extension present; `schemas` lists exactly those. */
function assemble(draft: Draft, resourceType: ResourceTypeDef): JsonObject {
  const schemas: string[] = [resourceType.schema.id];
  const doc: JsonObject = { schemas };
  Object.assign(doc, draft.core);
  for (const extension of resourceType.extensions) {
    const values = draft.extensions.get(extension.schema.id);
    if (!values || Object.keys(values).length === 0) continue;
    schemas.push(extension.schema.id);
    doc[extension.schema.id] = values;
  }
  for (const [urn, values] of draft.unknown) {
    schemas.push(urn);
    setOwn(doc, urn, values);
  }
  return doc;
}
