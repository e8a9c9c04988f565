/**
 * Which part of a resource a PATCH path names: an attribute (core, common, or in an
 * extension object), or a whole extension object (`path: "urn:…:enterprise:2.0:User"`).
 * Unknown attributes of schemas we model are invalidPath; attributes under a URN we do not
 * model are kept as given, so extensions the directory does not understand still round-trip.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import type { Filter } from '../filter/index.js';
import { commonAttributes } from '../schemas/common.js';
import {
  allSchemas,
  ENTERPRISE_USER_SCHEMA,
  findAttribute,
  findExtensionAttribute,
  findSchema,
  type AttributeDef,
  type ResourceTypeDef,
  type SchemaDef,
} from '../schemas/index.js';
import { printPatchPath, type PatchPath } from './path.js';

export interface AttributeTarget {
  kind: 'attribute';
  /** URN of the extension object holding the attribute; undefined for top-level attributes. */
  urn: string | undefined;
  /** The key to store under: canonical for known attributes, as written otherwise. */
  name: string;
  /** Undefined for attributes of extensions we do not model. */
  attribute: AttributeDef | undefined;
  sub: string | undefined;
  subDef: AttributeDef | undefined;
  filter: Filter | undefined;
  /** The enterprise manager, whose Entra spellings need normalising (entra-quirks.ts). */
  isManager: boolean;
}

export interface ExtensionTarget {
  kind: 'extension';
  urn: string;
  /** Undefined for extensions we do not model. */
  schema: SchemaDef | undefined;
}

export type Target = AttributeTarget | ExtensionTarget;

const invalidPath = (path: PatchPath, why: string): ScimResult<never> =>
  fail(scimError('invalidPath', `${why} in path "${printPatchPath(path).slice(0, 200)}"`));

/** URNs of RFC-defined schemas that belong to some other resource type, and so are not extensions here. */
function isForeignSchema(resourceType: ResourceTypeDef, urn: string): boolean {
  const lower = urn.toLowerCase();
  if (findSchema(resourceType, urn)) return false;
  return allSchemas.some((schema) => schema.id.toLowerCase() === lower) || /^urn:ietf:params:scim:(schemas:core|api):/i.test(urn);
}

/** Resolve a parsed path against a resource type. Pure; does not look at the document. */
export function resolveTarget(path: PatchPath, resourceType: ResourceTypeDef): ScimResult<Target> {
  const { schema: urn, attr } = path.attrPath;
  const hasMore = path.attrPath.sub !== undefined || path.valueFilter !== undefined || path.subAttr !== undefined;
  if (urn !== undefined && !hasMore) {
    // The last-colon split reads "urn:…:enterprise:2.0:User" as schema "urn:…:2.0" + attribute "User".
    const whole = findSchema(resourceType, `${urn}:${attr}`);
    if (whole === resourceType.schema) return invalidPath(path, 'the core schema is not an attribute');
    if (whole) return ok({ kind: 'extension', urn: whole.id, schema: whole });
  }
  let attribute: AttributeDef | undefined;
  let extensionUrn: string | undefined;
  if (urn === undefined) {
    attribute = findAttribute(commonAttributes, attr) ?? findAttribute(resourceType.schema.attributes, attr);
    if (!attribute) {
      const extension = findExtensionAttribute(resourceType, attr);
      if (!extension) return invalidPath(path, `unknown attribute '${attr}'`);
      attribute = extension.attribute;
      extensionUrn = extension.schema.id;
    }
  } else {
    const schema = findSchema(resourceType, urn);
    if (isForeignSchema(resourceType, urn)) return invalidPath(path, `schema ${urn} does not apply to ${resourceType.name}`);
    if (schema === resourceType.schema) {
      attribute = findAttribute(resourceType.schema.attributes, attr) ?? findAttribute(commonAttributes, attr);
      if (!attribute) return invalidPath(path, `unknown attribute '${attr}'`);
    } else if (schema) {
      extensionUrn = schema.id;
      attribute = findAttribute(schema.attributes, attr);
      if (!attribute) return invalidPath(path, `unknown attribute '${attr}' of ${schema.id}`);
    } else {
      extensionUrn = urn;
    }
  }
  const sub = path.attrPath.sub ?? path.subAttr;
  let subDef: AttributeDef | undefined;
  if (attribute) {
    if (sub !== undefined) {
      subDef = findAttribute(attribute.subAttributes ?? [], sub);
      if (!subDef) return invalidPath(path, `'${attribute.name}' has no sub-attribute '${sub}'`);
    }
    if (path.valueFilter && attribute.type !== 'complex') return invalidPath(path, `'${attribute.name}' is not complex, so it takes no value filter`);
  } else if (path.valueFilter) {
    return invalidPath(path, `value filters need an attribute this server models`);
  }
  return ok({
    kind: 'attribute',
    urn: extensionUrn,
    name: attribute?.name ?? attr,
    attribute,
    sub: subDef?.name ?? sub,
    subDef,
    filter: path.valueFilter,
    isManager: extensionUrn === ENTERPRISE_USER_SCHEMA && attribute?.name === 'manager',
  });
}
