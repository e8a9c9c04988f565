/** Discovery endpoints (RFC 7644 §4): what this server supports, described by itself. */
import { Hono } from 'hono';
import type { ScimDeps } from './deps.js';
import { CURSOR_TIMEOUT_SECONDS } from './http/page-cursor.js';
import { scimBaseUrl } from './http/request.js';
import { scimJson } from './http/respond.js';
import {
  findResourceTypeById,
  findSchemaById,
  resourceTypeResource,
  resourceTypeResources,
  schemaResource,
  schemaResources,
  serviceProviderConfig,
} from './protocol/discovery.js';
import { notFound } from './protocol/errors.js';
import { listResponse } from './protocol/list.js';

export function discoveryRoutes(deps: ScimDeps): Hono {
  const app = new Hono();
  for (const middleware of deps.middleware ?? []) app.use(middleware);

  app.get('/ServiceProviderConfig', (c) =>
    scimJson(
      c,
      serviceProviderConfig({
        maxResults: deps.limits.maxResults,
        maxPayloadSize: deps.limits.maxPayloadBytes,
        defaultCount: deps.limits.defaultCount,
        cursorTimeout: CURSOR_TIMEOUT_SECONDS,
        baseUrl: scimBaseUrl(c, deps.baseUrl),
      }),
    ),
  );

  app.get('/Schemas', (c) => {
    const all = schemaResources(scimBaseUrl(c, deps.baseUrl));
    return scimJson(c, listResponse(all, all.length, 1));
  });

  app.get('/Schemas/:id', (c) => {
    const schema = findSchemaById(c.req.param('id'));
    if (!schema) throw notFound(`Schema ${c.req.param('id')} not found`);
    return scimJson(c, schemaResource(schema, scimBaseUrl(c, deps.baseUrl)));
  });

  app.get('/ResourceTypes', (c) => {
    const all = resourceTypeResources(scimBaseUrl(c, deps.baseUrl));
    return scimJson(c, listResponse(all, all.length, 1));
  });

  app.get('/ResourceTypes/:id', (c) => {
    const resourceType = findResourceTypeById(c.req.param('id'));
    if (!resourceType) throw notFound(`ResourceType ${c.req.param('id')} not found`);
    return scimJson(c, resourceTypeResource(resourceType, scimBaseUrl(c, deps.baseUrl)));
  });

  return app;
}
