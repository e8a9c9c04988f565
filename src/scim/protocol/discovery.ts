/**
 * The discovery documents (RFC 7643 §5–7, RFC 7644 §4): /ServiceProviderConfig, /Schemas and
 * /ResourceTypes, built from the schema registry so what we advertise is what we enforce.
 * `baseUrl` is the SCIM root (e.g. "https://gate.example/scim/v2" or "/scim/v2").
 */
import {
  allSchemas,
  resourceTypes,
  type AttributeDef,
  type ResourceTypeDef,
  type SchemaDef,
} from './schemas/index.js';
import type { JsonObject } from './resource/json.js';

export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

export interface ServiceProviderConfigOptions {
  baseUrl: string;
  maxResults: number;
  maxPayloadSize: number;
  /** Page size when a list request gives no count. */
  defaultCount: number;
  /** Seconds a cursor stays valid (RFC 9865 §4). */
  cursorTimeout: number;
  documentationUri?: string | undefined;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** What this server supports; bulk is off (Entra does not use it), sort, ETags and cursor pagination are on. */
export function serviceProviderConfig(options: ServiceProviderConfigOptions): JsonObject {
  const config: JsonObject = { schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA] };
  if (options.documentationUri) config.documentationUri = options.documentationUri;
  Object.assign(config, {
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: options.maxPayloadSize },
    filter: { supported: true, maxResults: options.maxResults },
    // RFC 9865 §4: both methods; index stays the default, so clients that never heard of cursors see no change.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.defaultCount,
      maxPageSize: options.maxResults,
      cursorTimeout: options.cursorTimeout,
    },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued by this server (scimgate token create).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimSlash(options.baseUrl)}/ServiceProviderConfig`,
    },
  });
  return config;
}

/** An attribute definition as RFC 7643 §7 publishes it, every characteristic included. */
function attributeResource(attribute: AttributeDef): JsonObject {
  const body: JsonObject = {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
  };
  if (attribute.canonicalValues && attribute.canonicalValues.length > 0) body.canonicalValues = [...attribute.canonicalValues];
  if (attribute.referenceTypes) body.referenceTypes = [...attribute.referenceTypes];
  if (attribute.subAttributes) body.subAttributes = attribute.subAttributes.map(attributeResource);
  return body;
}

/** One schema as served at /Schemas/{id} (RFC 7643 §7). */
export function schemaResource(schema: SchemaDef, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeResource),
    meta: { resourceType: 'Schema', location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** One resource type as served at /ResourceTypes/{id} (RFC 7643 §6). */
export function resourceTypeResource(resourceType: ResourceTypeDef, baseUrl: string): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    description: resourceType.description,
    endpoint: resourceType.endpoint,
    schema: resourceType.schema.id,
    schemaExtensions: resourceType.extensions.map((extension) => ({
      schema: extension.schema.id,
      required: extension.required,
    })),
    meta: { resourceType: 'ResourceType', location: `${trimSlash(baseUrl)}/ResourceTypes/${resourceType.id}` },
  };
}

/** Every schema resource, for GET /Schemas. */
export function schemaResources(baseUrl: string): JsonObject[] {
  return allSchemas.map((schema) => schemaResource(schema, baseUrl));
}

/** Every resource type, for GET /ResourceTypes. */
export function resourceTypeResources(baseUrl: string): JsonObject[] {
  return resourceTypes.map((resourceType) => resourceTypeResource(resourceType, baseUrl));
}

/** GET /Schemas/{id}: ids are URNs, matched case-insensitively like every URN here. */
export function findSchemaById(id: string): SchemaDef | undefined {
  const wanted = id.toLowerCase();
  return allSchemas.find((schema) => schema.id.toLowerCase() === wanted);
}

/** GET /ResourceTypes/{id}. */
export function findResourceTypeById(id: string): ResourceTypeDef | undefined {
  const wanted = id.toLowerCase();
  return resourceTypes.find((resourceType) => resourceType.id.toLowerCase() === wanted);
}
