/**
 * GET /Users, GET /Groups and POST /.search share one shape (RFC 7644 §3.4.2–3.4.3):
 * parse the filter, page through the directory — by startIndex, or by RFC 9865 cursor —
 * render and project each resource. In two halves, so the page in between can be read on the
 * request thread or on the search thread (directory/sqlite/off-thread-search.ts).
 */
import type { Page, SearchQuery } from '../directory/index.js';
import type { ScimResult } from './protocol/errors.js';
import { ok } from '../shared/result.js';
import { parseAttrPath, parseFilter } from './protocol/filter/index.js';
import type { JsonObject } from './protocol/json.js';
import { cursorListResponse, listResponse, type ListParams, type ListResponse } from './protocol/list.js';
import { queryFingerprint, type PageCursors } from './http/page-cursor.js';
import { project, type ProjectionOptions } from './protocol/projection.js';
import type { ResourceTypeDef } from './protocol/schemas/index.js';
import { attributeLookups } from './protocol/schemas/lookup.js';

/** A list request read and checked: the directory query, and what its answer needs. */
export interface ListPlan {
  params: ListParams;
  query: SearchQuery;
}

/**
 * What a cursor must keep pointing at: the same resources in the same order (RFC 9865 §2).
 * Computed for cursor pages only: a SHA-256 per list request cost index pages and filters
 * ~5–8 µs of CPU they had no use for (bench/README.md).
 */
function cursorQuery(params: ListParams, resourceType: ResourceTypeDef): string {
  return queryFingerprint([resourceType.id, params.filter, params.sortBy, params.sortBy === undefined ? undefined : params.sortOrder]);
}

export function planList(params: ListParams, resourceType: ResourceTypeDef, cursors: PageCursors): ScimResult<ListPlan> {
  let filter;
  if (params.filter !== undefined) {
    const parsed = parseFilter(params.filter);
    if (!parsed.ok) return parsed;
    filter = parsed.value;
  }
  let sortBy;
  if (params.sortBy !== undefined) {
    const parsed = parseAttrPath(params.sortBy);
    if (!parsed.ok) return parsed;
    sortBy = parsed.value;
  }
  let after;
  if (params.cursor) {
    const opened = cursors.open(params.cursor, cursorQuery(params, resourceType));
    if (!opened.ok) return opened;
    after = opened.value;
  }
  const query: SearchQuery = {
    // The directory resolves the filter's and sortBy's attribute names through SCIM's schemas.
    attributes: attributeLookups[resourceType.id],
    filter,
    sortBy,
    descending: params.sortOrder === 'descending',
    offset: params.cursor === undefined ? params.startIndex - 1 : 0,
    after,
    limit: params.count,
  };
  return ok({ params, query });
}

/** The ListResponse for a page, its resources rendered (in the page's order). */
export function finishList(
  plan: ListPlan,
  page: Page<unknown>,
  rendered: JsonObject[],
  projection: ProjectionOptions,
  resourceType: ResourceTypeDef,
  cursors: PageCursors,
): ListResponse<JsonObject> {
  const resources = rendered.map((resource) => project(resource, resourceType, projection));
  if (plan.params.cursor === undefined) return listResponse(resources, page.total, plan.params.startIndex);
  return cursorListResponse(resources, page.total, page.next ? cursors.seal(page.next, cursorQuery(plan.params, resourceType)) : undefined);
}
