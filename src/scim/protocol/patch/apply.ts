/**
 * The PATCH engine (RFC 7644 §3.5.2): applies parsed operations to a SCIM document and returns
 * the new document. Pure and all-or-nothing: it works on a deep copy, and the first failing
 * operation fails the whole request, so the caller's document is never touched either way.
 *
 * Path-less add/replace merge the value attribute by attribute; its keys may be plain
 * (`displayName`), dotted (`name.givenName`), URN-qualified (`urn:…:enterprise:2.0:User:manager`)
 * or a whole extension (`"urn:…:enterprise:2.0:User": {…}`). Writing into an extension adds its
 * URN to `schemas`; emptying it removes both. readOnly attributes (id, meta, groups) are a
 * mutability error — except that a path-less value repeating their current value is ignored,
 * because clients echo `id` back in replace bodies.
 */
import { ScimError, scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { findSchema, type ResourceTypeDef } from '../schemas/index.js';
import { removeAttribute, writeAttribute } from './attribute-ops.js';
import { deleteKey, findKey, getKey, isJsonObject, jsonEqual, setKey, type JsonObject, type JsonValue } from './json.js';
import { parsePatchPath, printPatchPath } from './path.js';
import type { PatchOperation } from './request.js';
import { resolveTarget, type AttributeTarget, type ExtensionTarget, type Target } from './target.js';

interface Context {
  resourceType: ResourceTypeDef;
  /** Extension URNs written or removed, whose `schemas` entry is settled at the end. */
  extensions: Set<string>;
}

type WriteKind = 'add' | 'replace';

function isReadOnly(target: AttributeTarget): boolean {
  return target.attribute?.mutability === 'readOnly' || target.subDef?.mutability === 'readOnly';
}

/** The object an attribute lives in; created (and recorded) when writing into a new extension. */
function containerOf(doc: JsonObject, urn: string | undefined, create: boolean, ctx: Context): JsonObject | undefined {
  if (urn === undefined) return doc;
  const key = findKey(doc, urn) ?? urn;
  const existing = doc[key];
  if (isJsonObject(existing)) {
    ctx.extensions.add(key);
    return existing;
  }
  if (!create) return undefined;
  const created: JsonObject = {};
  setKey(doc, key, created);
  ctx.extensions.add(key);
  return created;
}

function writeTarget(doc: JsonObject, kind: WriteKind, target: Target, value: JsonValue, ctx: Context, pathless: boolean): ScimResult<void> {
  if (target.kind === 'extension') return writeExtension(doc, kind, target, value, ctx);
  if (isReadOnly(target)) {
    const container = containerOf(doc, target.urn, false, ctx);
    const current = container && getKey(container, target.name);
    if (pathless && target.sub === undefined && jsonEqual(current, value)) return ok(undefined);
    return fail(scimError('mutability', `'${target.name}' is read-only`));
  }
  const container = containerOf(doc, target.urn, value !== null, ctx);
  if (!container) return ok(undefined);
  return writeAttribute(container, kind, target, value);
}

/** `"urn:…:enterprise:2.0:User": {…}`: each key is an attribute of that extension. */
function writeExtension(doc: JsonObject, kind: WriteKind, target: ExtensionTarget, value: JsonValue, ctx: Context): ScimResult<void> {
  if (value === null) return removeExtension(doc, target, ctx);
  if (!isJsonObject(value)) return fail(scimError('invalidValue', `${target.urn} takes an object of its attributes`));
  if (!target.schema) {
    const container = containerOf(doc, target.urn, true, ctx) as JsonObject;
    for (const [key, item] of Object.entries(value)) {
      if (item === null) deleteKey(container, key);
      else setKey(container, key, item);
    }
    return ok(undefined);
  }
  for (const [key, item] of Object.entries(value)) {
    const result = writeKey(doc, kind, `${target.urn}:${key}`, item, ctx);
    if (!result.ok) return result;
  }
  return ok(undefined);
}

function removeExtension(doc: JsonObject, target: ExtensionTarget, ctx: Context): ScimResult<void> {
  const key = findKey(doc, target.urn);
  if (key !== undefined) {
    delete doc[key];
    ctx.extensions.add(key);
  }
  return ok(undefined);
}

/** One key of a path-less value. */
function writeKey(doc: JsonObject, kind: WriteKind, key: string, value: JsonValue, ctx: Context): ScimResult<void> {
  if (key.toLowerCase() === 'schemas') return ok(undefined); // maintained by the engine
  const { resourceType } = ctx;
  if (/^urn:/i.test(key)) {
    const schema = findSchema(resourceType, key);
    if (schema === resourceType.schema) {
      if (!isJsonObject(value)) return fail(scimError('invalidValue', `${key} takes an object of its attributes`));
      return writeObject(doc, kind, value, ctx);
    }
    // An unknown URN holding an object is taken as a whole extension (that is how resources
    // carry extensions), unless the URN before its last colon is one we know.
    const prefix = key.slice(0, key.lastIndexOf(':'));
    if (!schema && isJsonObject(value) && !findSchema(resourceType, prefix) && !/^urn:ietf:params:scim:/i.test(key)) {
      return writeExtension(doc, kind, { kind: 'extension', urn: key, schema: undefined }, value, ctx);
    }
  }
  const path = parsePatchPath(key);
  if (!path.ok) return path;
  const target = resolveTarget(path.value, resourceType);
  if (!target.ok) return target;
  return writeTarget(doc, kind, target.value, value, ctx, true);
}

function writeObject(doc: JsonObject, kind: WriteKind, value: JsonObject, ctx: Context): ScimResult<void> {
  for (const [key, item] of Object.entries(value)) {
    const result = writeKey(doc, kind, key, item, ctx);
    if (!result.ok) return result;
  }
  return ok(undefined);
}

function applyOperation(doc: JsonObject, operation: PatchOperation, ctx: Context): ScimResult<void> {
  const { op, path, value } = operation;
  if (!path) {
    if (op === 'remove') return fail(scimError('noTarget', 'remove needs a path'));
    if (!isJsonObject(value)) return fail(scimError('invalidSyntax', `${op} without a path needs an object value`));
    return writeObject(doc, op, value, ctx);
  }
  const target = resolveTarget(path, ctx.resourceType);
  if (!target.ok) return target;
  if (op !== 'remove') {
    if (value === undefined) return fail(scimError('invalidSyntax', `${op} needs a value`));
    return writeTarget(doc, op, target.value, value, ctx, false);
  }
  if (target.value.kind === 'extension') return removeExtension(doc, target.value, ctx);
  if (isReadOnly(target.value)) return fail(scimError('mutability', `'${target.value.name}' is read-only`));
  const container = containerOf(doc, target.value.urn, false, ctx);
  return container ? removeAttribute(container, target.value, value) : ok(undefined);
}

/** Every extension object touched: listed in `schemas` when it holds something, gone otherwise. */
function settleExtensions(doc: JsonObject, ctx: Context): void {
  if (ctx.extensions.size === 0) return;
  const schemas = Array.isArray(doc.schemas) ? doc.schemas.filter((s): s is string => typeof s === 'string') : [ctx.resourceType.schema.id];
  let next = [...schemas];
  for (const urn of ctx.extensions) {
    const object = getKey(doc, urn);
    const listed = next.some((s) => s.toLowerCase() === urn.toLowerCase());
    if (isJsonObject(object) && Object.keys(object).length > 0) {
      if (!listed) next.push(urn);
    } else {
      deleteKey(doc, urn);
      next = next.filter((s) => s.toLowerCase() !== urn.toLowerCase());
    }
  }
  doc.schemas = next;
}

function describe(operation: PatchOperation, index: number): string {
  const path = operation.path ? ` ${printPatchPath(operation.path).slice(0, 200)}` : '';
  return `Operations[${index}] (${operation.op}${path})`;
}

/** Apply `operations` in order to a copy of `doc`. Never throws and never mutates `doc`. */
export function applyPatch(doc: JsonObject, operations: readonly PatchOperation[], resourceType: ResourceTypeDef): ScimResult<JsonObject> {
  const next = structuredClone(doc);
  const ctx: Context = { resourceType, extensions: new Set() };
  for (const [index, operation] of operations.entries()) {
    const result = applyOperation(next, operation, ctx);
    if (!result.ok) {
      const { error } = result;
      const detail = `${describe(operation, index)}: ${error.detail}`;
      return fail(error.scimType ? scimError(error.scimType, detail) : new ScimError({ status: error.status, detail, code: error.code }));
    }
  }
  settleExtensions(next, ctx);
  return ok(next);
}
