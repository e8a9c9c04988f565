/**
 * GET /Users, GET /Groups and POST /.search share one shape (RFC 7644 §3.4.2–3.4.3):
 * parse the filter, page through the directory — by startIndex, or by RFC 9865 cursor —
 * render and project each resource.
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

export interface ListSource<R> {
  search(query: SearchQuery): ScimResult<Page<R>>;
  /** Render a page at once, so relationship rows are read in one batch. */
  render(items: R[], projection: ProjectionOptions): JsonObject[];
}

export function listResources<R>(
  params: ListParams,
  projection: ProjectionOptions,
  resourceType: ResourceTypeDef,
  source: ListSource<R>,
  cursors: PageCursors,
): ScimResult<ListResponse<JsonObject>> {
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
  // What a cursor must keep pointing at: the same resources in the same order (RFC 9865 §2).
  const query = queryFingerprint([resourceType.id, params.filter, params.sortBy, params.sortBy === undefined ? undefined : params.sortOrder]);
  let after;
  if (params.cursor) {
    const opened = cursors.open(params.cursor, query);
    if (!opened.ok) return opened;
    after = opened.value;
  }
  const page = source.search({
    filter,
    sortBy,
    descending: params.sortOrder === 'descending',
    offset: params.cursor === undefined ? params.startIndex - 1 : 0,
    after,
    limit: params.count,
  });
  if (!page.ok) return page;
  const resources = source.render(page.value.items, projection).map((resource) => project(resource, resourceType, projection));
  if (params.cursor === undefined) return ok(listResponse(resources, page.value.total, params.startIndex));
  const next = page.value.next ? cursors.seal(page.value.next, query) : undefined;
  return ok(cursorListResponse(resources, page.value.total, next));
}
