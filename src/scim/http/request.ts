/** Reading what every SCIM resource request carries: the base URL, projection and If-Match. */
import type { Context } from 'hono';
import { requestHeader } from '../../http/request-header.js';
import type { ScimResult } from '../protocol/errors.js';
import { ok } from '../../shared/result.js';
import { parseAttributeList, type ProjectionOptions } from '../protocol/projection.js';
import type { ResourceTypeDef } from '../protocol/schemas/index.js';

/** Base URL of the SCIM API for `meta.location` and `$ref`s: configured, else from the request. */
export function scimBaseUrl(c: Context, configured: string | undefined): string {
  if (configured) return configured;
  const url = new URL(c.req.url);
  return `${url.origin}/scim/v2`;
}

export function projectionOf(
  c: Context,
  resourceType: ResourceTypeDef,
  raw: { attributes?: string | undefined; excludedAttributes?: string | undefined } = {
    attributes: c.req.query('attributes'),
    excludedAttributes: c.req.query('excludedAttributes'),
  },
): ScimResult<ProjectionOptions> {
  const attributes = parseAttributeList(raw.attributes, resourceType);
  if (!attributes.ok) return attributes;
  const excludedAttributes = parseAttributeList(raw.excludedAttributes, resourceType);
  if (!excludedAttributes.ok) return excludedAttributes;
  return ok({ attributes: attributes.value, excludedAttributes: excludedAttributes.value });
}

export const ifMatchOf = (c: Context): string | undefined => requestHeader(c, 'if-match');
