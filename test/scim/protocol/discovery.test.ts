import { describe, expect, it } from 'vitest';
import {
  findResourceTypeById,
  findSchemaById,
  resourceTypeResources,
  schemaResources,
  serviceProviderConfig,
} from '../../../src/scim/protocol/discovery.js';
import type { JsonObject } from '../../../src/scim/protocol/resource/json.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'https://gate.example/scim/v2/';

type Attr = JsonObject & { name: string; subAttributes?: Attr[] };

describe('RFC 7643 §5 ServiceProviderConfig', () => {
  const config = serviceProviderConfig({
    baseUrl: BASE,
    maxResults: 200,
    maxPayloadSize: 1_048_576,
    defaultCount: 100,
    cursorTimeout: 3600,
    documentationUri: 'https://docs.example',
  });

  it('advertises what this server does', () => {
    expect(config).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      documentationUri: 'https://docs.example',
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      // RFC 9865 §4
      pagination: { cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 200, cursorTimeout: 3600 },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://gate.example/scim/v2/ServiceProviderConfig' },
    });
  });
});

describe('RFC 7643 §7 Schemas', () => {
  const schemas = schemaResources(BASE);
  const user = schemas.find((schema) => schema.id === USER);
  const attributes = (user?.attributes ?? []) as Attr[];

  it('lists User, Group and the enterprise extension with meta', () => {
    expect(schemas.map((schema) => schema.id)).toEqual(expect.arrayContaining([USER, GROUP, ENT]));
    expect(user?.meta).toEqual({ resourceType: 'Schema', location: `https://gate.example/scim/v2/Schemas/${USER}` });
    expect(user?.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
  });

  it('userName is required, caseExact=false, uniqueness=server (what Entra matches on)', () => {
    expect(attributes.find((attribute) => attribute.name === 'userName')).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
  });

  it('publishes sub-attributes, canonical values, reference types; password is writeOnly/never', () => {
    const emails = attributes.find((attribute) => attribute.name === 'emails');
    expect(emails?.multiValued).toBe(true);
    expect(emails?.subAttributes?.find((sub) => sub.name === 'type')?.canonicalValues).toEqual(['work', 'home', 'other']);
    const groups = attributes.find((attribute) => attribute.name === 'groups');
    expect(groups?.subAttributes?.find((sub) => sub.name === '$ref')?.referenceTypes).toEqual(['User', 'Group']);
    expect(attributes.find((attribute) => attribute.name === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
  });

  it('finds a schema by id case-insensitively', () => {
    expect(findSchemaById(USER.toLowerCase())?.id).toBe(USER);
    expect(findSchemaById('urn:nope')).toBeUndefined();
  });
});

describe('RFC 7643 §6 ResourceTypes', () => {
  it('User at /Users with the enterprise extension, Group at /Groups', () => {
    const types = resourceTypeResources('/scim/v2');
    expect(types).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        description: 'User Account',
        endpoint: '/Users',
        schema: USER,
        schemaExtensions: [{ schema: ENT, required: false }],
        meta: { resourceType: 'ResourceType', location: '/scim/v2/ResourceTypes/User' },
      },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'Group',
        name: 'Group',
        description: 'Group',
        endpoint: '/Groups',
        schema: GROUP,
        schemaExtensions: [],
        meta: { resourceType: 'ResourceType', location: '/scim/v2/ResourceTypes/Group' },
      },
    ]);
    expect(findResourceTypeById('user')?.endpoint).toBe('/Users');
  });
});
