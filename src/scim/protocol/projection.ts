/**
 * Which attributes a response carries: the `attributes` / `excludedAttributes` parameters
 * (RFC 7644 §3.4.2.5, §3.9) combined with each attribute's `returned` characteristic
 * (RFC 7643 §7): `always` (id) cannot be left out, `never` (password) is never sent,
 * `request` only when asked for, `default` unless excluded or not in an `attributes` list.
 *
 * Paths are resolved against the schema once, when the parameter is parsed: unknown attribute
 * names are 400 invalidValue; paths under an extension we do not model are kept as written
 * (such extensions round-trip verbatim). A path `{schema, attr: ''}` means the whole schema.
 * When both parameters are given, `attributes` selects and `excludedAttributes` then removes.
 */
import { scimError, type ScimResult } from './errors.js';
import { fail, ok } from '../../shared/result.js';
import { commonAttributes } from './schemas/common.js';
import {
  findAttribute,
  findSchema,
  resolveAttribute,
  splitSchemaPrefix,
  type AttrPath,
  type AttributeDef,
  type ResourceTypeDef,
} from './schemas/index.js';
import { isJsonObject, setOwn, type JsonObject, type JsonValue } from './resource/json.js';

export interface ProjectionOptions {
  attributes?: AttrPath[] | undefined;
  excludedAttributes?: AttrPath[] | undefined;
}

const NAME = /^[A-Za-z$][\w$-]*$/;

/** Parse one attribute path ("name.givenName", "urn:…:enterprise:2.0:User:manager", a schema URN). */
export function parseAttrPath(text: string, resourceType: ResourceTypeDef): ScimResult<AttrPath> {
  const trimmed = text.trim();
  const bad = (why: string): ScimResult<never> => fail(scimError('invalidValue', `attribute path "${trimmed}" ${why}`));
  if (trimmed === '') return bad('is empty');
  const split = trimmed.includes(':') ? splitSchemaPrefix(trimmed, resourceType) : { rest: trimmed };
  const known = split.schema === undefined ? undefined : findSchema(resourceType, split.schema);
  if (known && split.rest === '') return ok({ schema: known.id, attr: '' });
  const parts = split.rest.split('.');
  const [attr, sub] = parts;
  if (parts.length > 2 || attr === undefined || !NAME.test(attr) || (sub !== undefined && !NAME.test(sub))) {
    return bad('is not a valid attribute name');
  }
  if (split.schema !== undefined && !known) return ok({ schema: split.schema, attr, sub });
  const resolved = resolveAttribute(resourceType, { schema: known?.id, attr, sub });
  if (!resolved) return bad(`is not an attribute of ${resourceType.name}`);
  return ok({
    schema: resolved.inExtension ? resolved.schemaId : undefined,
    attr: resolved.attribute.name,
    sub: resolved.subAttribute?.name,
  });
}

/** Parse a comma-separated `attributes` / `excludedAttributes` value; blank → undefined. */
export function parseAttributeList(param: string | undefined, resourceType: ResourceTypeDef): ScimResult<AttrPath[] | undefined> {
  if (param === undefined) return ok(undefined);
  const paths: AttrPath[] = [];
  for (const item of param.split(',')) {
    if (item.trim() === '') continue;
    const parsed = parseAttrPath(item, resourceType);
    if (!parsed.ok) return parsed;
    paths.push(parsed.value);
  }
  return ok(paths.length > 0 ? paths : undefined);
}

/** A path reduced to lower-case (container, attribute, sub) keys; container '' is the core. */
interface Key {
  container: string;
  attr: string;
  sub: string | undefined;
}

function keysOf(paths: readonly AttrPath[] | undefined, resourceType: ResourceTypeDef): Key[] | undefined {
  if (!paths) return undefined;
  const core = resourceType.schema.id.toLowerCase();
  const keys: Key[] = [];
  for (const path of paths) {
    const schema = path.schema?.toLowerCase();
    const container = schema === undefined || schema === core ? '' : schema;
    keys.push({ container, attr: path.attr.toLowerCase(), sub: path.sub?.toLowerCase() });
    // An unmodelled "urn:acme:…:User" is indistinguishable from attribute "User" of "urn:acme:…".
    if (schema !== undefined && !findSchema(resourceType, schema) && path.attr !== '' && path.sub === undefined) {
      keys.push({ container: `${schema}:${path.attr.toLowerCase()}`, attr: '', sub: undefined });
    }
  }
  return keys;
}

interface Selection {
  whole: boolean;
  subs: string[];
}

function select(keys: readonly Key[], container: string, attr: string): Selection {
  let whole = false;
  const subs: string[] = [];
  for (const key of keys) {
    if (key.container !== container) continue;
    if (key.attr === '' || (key.attr === attr && key.sub === undefined)) whole = true;
    else if (key.attr === attr && key.sub !== undefined) subs.push(key.sub);
  }
  return { whole, subs };
}

/**
 * Whether a core attribute (e.g. "members", "groups") will appear in the response at all, so the
 * directory can skip loading it: `excludedAttributes=members` must not touch member rows.
 */
export function wantsAttribute(options: ProjectionOptions, name: string): boolean {
  const attr = name.toLowerCase();
  if (options.attributes) {
    const named = options.attributes.some((path) => path.schema === undefined && path.attr.toLowerCase() === attr);
    // parseAttrPath keeps a schema only on extension paths and on the whole core schema URN.
    const wholeCore = options.attributes.some((path) => path.attr === '' && /:schemas:core:/i.test(path.schema ?? ''));
    if (!named && !wholeCore) return false;
  }
  return !(options.excludedAttributes ?? []).some(
    (path) => path.schema === undefined && path.attr.toLowerCase() === attr && path.sub === undefined,
  );
}

const hiddenByType = new WeakMap<ResourceTypeDef, ReadonlySet<string>>();

/** True when a top-level attribute is `returned: never` or `request` (e.g. password), so the full rules must run. */
function hidesAnything(resource: JsonObject, resourceType: ResourceTypeDef): boolean {
  let hidden = hiddenByType.get(resourceType);
  if (!hidden) {
    hidden = new Set(
      resourceType.schema.attributes.filter((a) => a.returned === 'never' || a.returned === 'request').map((a) => a.name.toLowerCase()),
    );
    hiddenByType.set(resourceType, hidden);
  }
  for (const key of Object.keys(resource)) if (hidden.has(key.toLowerCase())) return true;
  return false;
}

/** Apply the projection rules to a full resource; the input is not modified. */
export function project(resource: JsonObject, resourceType: ResourceTypeDef, options: ProjectionOptions): JsonObject {
  // Nothing asked for and nothing to hide: the default view is the resource itself — the common
  // case on every read, kept cheap.
  if (!options.attributes && !options.excludedAttributes && !hidesAnything(resource, resourceType)) return resource;
  const include = keysOf(options.attributes, resourceType);
  const exclude = keysOf(options.excludedAttributes, resourceType);
  const coreAttributes = [...commonAttributes, ...resourceType.schema.attributes];
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key.toLowerCase() === 'schemas') {
      result[key] = value;
      continue;
    }
    if (!key.includes(':')) {
      const projected = projectAttribute(value, findAttribute(coreAttributes, key), '', key, include, exclude);
      if (projected !== undefined) setOwn(result, key, projected);
      continue;
    }
    if (!isJsonObject(value)) continue;
    const container = key.toLowerCase();
    const extension = findSchema(resourceType, key);
    const inner: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const definition = extension ? findAttribute(extension.attributes, name) : undefined;
      const projected = projectAttribute(item, definition, container, name, include, exclude);
      if (projected !== undefined) setOwn(inner, name, projected);
    }
    if (Object.keys(inner).length > 0) setOwn(result, key, inner);
  }
  return result;
}

function projectAttribute(
  value: JsonValue,
  definition: AttributeDef | undefined,
  container: string,
  name: string,
  include: readonly Key[] | undefined,
  exclude: readonly Key[] | undefined,
): JsonValue | undefined {
  const returned = definition?.returned ?? 'default';
  if (returned === 'never') return undefined;
  const attr = name.toLowerCase();
  const subDefs = definition?.subAttributes ?? [];
  if (returned === 'always') return keepSubs(value, (sub) => subReturned(subDefs, sub) !== 'never');

  let projected: JsonValue | undefined;
  if (include) {
    const selection = select(include, container, attr);
    if (selection.whole) projected = keepSubs(value, (sub) => defaultSub(subDefs, sub) || selection.subs.includes(sub));
    else if (selection.subs.length > 0) {
      projected = keepSubs(value, (sub) => selection.subs.includes(sub) || subReturned(subDefs, sub) === 'always');
    } else return undefined;
  } else {
    if (returned === 'request') return undefined;
    projected = keepSubs(value, (sub) => defaultSub(subDefs, sub));
  }
  if (exclude && projected !== undefined) {
    const selection = select(exclude, container, attr);
    if (selection.whole) return undefined;
    if (selection.subs.length > 0) {
      projected = keepSubs(projected, (sub) => !selection.subs.includes(sub) || subReturned(subDefs, sub) === 'always');
    }
  }
  return projected;
}

function subReturned(subDefs: readonly AttributeDef[], sub: string): string {
  return findAttribute(subDefs, sub)?.returned ?? 'default';
}

function defaultSub(subDefs: readonly AttributeDef[], sub: string): boolean {
  const returned = subReturned(subDefs, sub);
  return returned === 'default' || returned === 'always';
}

/** Keep the sub-attributes `keep` accepts (lower-case names) of a complex or multi-valued complex value. */
function keepSubs(value: JsonValue, keep: (sub: string) => boolean): JsonValue | undefined {
  if (Array.isArray(value)) {
    const items = value.map((item) => keepSubs(item, keep)).filter((item): item is JsonValue => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) if (keep(key.toLowerCase())) setOwn(result, key, item);
  return Object.keys(result).length > 0 ? result : undefined;
}
