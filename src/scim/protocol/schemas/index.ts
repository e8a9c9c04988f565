/**
 * The schema registry: which schemas exist, which resource types use them, and how an
 * attribute path as a client wrote it ("emails.value", "NAME.givenName",
 * "urn:…:enterprise:2.0:User:manager") resolves to a definition.
 */
import { findAttribute, type AttributeDef } from './attribute.js';
import { commonAttributes } from './common.js';
import { GROUP_SCHEMA, groupAttributes } from './group.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, enterpriseUserAttributes, userAttributes } from './user.js';

export type { AttributeDef } from './attribute.js';
export { findAttribute } from './attribute.js';
export { GROUP_SCHEMA } from './group.js';
export { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from './user.js';

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: readonly AttributeDef[];
}

export type ResourceTypeName = 'User' | 'Group';

export interface ResourceTypeDef {
  id: ResourceTypeName;
  name: ResourceTypeName;
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDef;
  extensions: readonly { schema: SchemaDef; required: boolean }[];
}

export const userSchema: SchemaDef = { id: USER_SCHEMA, name: 'User', description: 'User Account', attributes: userAttributes };
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: enterpriseUserAttributes,
};
export const groupSchema: SchemaDef = { id: GROUP_SCHEMA, name: 'Group', description: 'Group', attributes: groupAttributes };

export const allSchemas: readonly SchemaDef[] = [userSchema, enterpriseUserSchema, groupSchema];

export const userResourceType: ResourceTypeDef = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceTypeDef = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

export const resourceTypes: readonly ResourceTypeDef[] = [userResourceType, groupResourceType];

/** An attribute reference as written: optional schema URN, attribute name, optional sub-attribute. */
export interface AttrPath {
  schema?: string | undefined;
  attr: string;
  sub?: string | undefined;
}

/** What an attribute path refers to, in canonical spelling. */
export interface ResolvedAttribute {
  /** Schema URN the attribute belongs to; undefined for the common attributes (id, externalId, meta). */
  schemaId: string | undefined;
  /** True when the attribute lives in an extension object keyed by its schema URN. */
  inExtension: boolean;
  attribute: AttributeDef;
  subAttribute: AttributeDef | undefined;
}

/** Split "urn:…:User:name.givenName" into its schema URN and the rest, matching known URNs case-insensitively. */
export function splitSchemaPrefix(path: string, resourceType: ResourceTypeDef): { schema?: string; rest: string } {
  if (!/^urn:/i.test(path)) return { rest: path };
  const lower = path.toLowerCase();
  for (const schema of schemasOf(resourceType)) {
    const urn = schema.id.toLowerCase();
    if (lower === urn) return { schema: schema.id, rest: '' };
    if (lower.startsWith(`${urn}:`)) return { schema: schema.id, rest: path.slice(urn.length + 1) };
  }
  // An extension we do not model: the attribute name follows the last colon.
  const colon = path.lastIndexOf(':');
  return { schema: path.slice(0, colon), rest: path.slice(colon + 1) };
}

export function schemasOf(resourceType: ResourceTypeDef): SchemaDef[] {
  return [resourceType.schema, ...resourceType.extensions.map((extension) => extension.schema)];
}

/** Find a schema of this resource type by URN, case-insensitively. */
export function findSchema(resourceType: ResourceTypeDef, urn: string): SchemaDef | undefined {
  const wanted = urn.toLowerCase();
  return schemasOf(resourceType).find((schema) => schema.id.toLowerCase() === wanted);
}

/**
 * An unqualified name no core attribute claims, defined by exactly one extension of this type:
 * Entra sends `manager` and `manager[value eq "…"]` without the enterprise URN (RFC 7644 §3.10
 * asks for the URN, but the name is unambiguous, so we accept it).
 */
export function findExtensionAttribute(resourceType: ResourceTypeDef, name: string): { schema: SchemaDef; attribute: AttributeDef } | undefined {
  const hits = resourceType.extensions.flatMap(({ schema }) => {
    const attribute = findAttribute(schema.attributes, name);
    return attribute ? [{ schema, attribute }] : [];
  });
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Resolve an attribute path against a resource type. Unqualified names look in the common
 * attributes, then the core schema, then an extension that alone defines the name.
 */
export function resolveAttribute(resourceType: ResourceTypeDef, path: AttrPath): ResolvedAttribute | undefined {
  let schemaId: string | undefined;
  let attribute: AttributeDef | undefined;
  let inExtension = false;
  if (path.schema) {
    const schema = findSchema(resourceType, path.schema);
    if (!schema) return undefined;
    attribute = findAttribute(schema.attributes, path.attr);
    schemaId = schema.id;
    inExtension = schema !== resourceType.schema;
  } else {
    attribute = findAttribute(commonAttributes, path.attr);
    if (!attribute) {
      attribute = findAttribute(resourceType.schema.attributes, path.attr);
      schemaId = resourceType.schema.id;
    }
    if (!attribute) {
      const extension = findExtensionAttribute(resourceType, path.attr);
      if (extension) {
        attribute = extension.attribute;
        schemaId = extension.schema.id;
        inExtension = true;
      }
    }
  }
  if (!attribute) return undefined;
  let subAttribute: AttributeDef | undefined;
  if (path.sub !== undefined) {
    if (!attribute.subAttributes) return undefined;
    subAttribute = findAttribute(attribute.subAttributes, path.sub);
    if (!subAttribute) return undefined;
  }
  return { schemaId, inExtension, attribute, subAttribute };
}
