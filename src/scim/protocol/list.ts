/**
 * Query parameters of a SCIM list (RFC 7644 §3.4.2) and of a POST /.search body (§3.4.3),
 * read into one shape, and the ListResponse that answers them. Filter text and attribute lists
 * stay text here: the filter parser and projection.ts resolve them against a resource type.
 *
 * Choices: parameter names match case-insensitively; blank values count as absent (but a blank
 * `cursor` asks for the first cursor page, RFC 9865); startIndex
 * below 1 is 1 and count below 0 is 0 (§3.4.2.4), count above the maximum is the maximum;
 * non-integers are 400 invalidValue; `attributes` with `excludedAttributes` is allowed (select,
 * then remove — see projection.ts).
 */
import { scimError, type ScimResult } from './errors.js';
import { fail, ok } from '../../shared/result.js';
import { isJsonObject } from './resource/json.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export type SortOrder = 'ascending' | 'descending';

export interface ListParams {
  filter: string | undefined;
  /**
   * RFC 9865 cursor pagination: undefined for index pages (startIndex); '' for the first cursor
   * page (`?cursor` or `?cursor=`); else a nextCursor from an earlier page.
   */
  cursor: string | undefined;
  /** 1-based. */
  startIndex: number;
  count: number;
  sortBy: string | undefined;
  /** Only meaningful with sortBy; ascending when not given (RFC 7644 §3.4.2.3). */
  sortOrder: SortOrder;
  attributes: string | undefined;
  excludedAttributes: string | undefined;
}

export interface ListLimits {
  maxResults: number;
  defaultCount: number;
}

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  /** Index pages only; a cursor page has no index (RFC 9865 §2). */
  startIndex?: number;
  itemsPerPage: number;
  /** Cursor pages only, and only when a next page exists (RFC 9865 §2). */
  nextCursor?: string;
  /** Last, so the rendered envelope ends in `[]}` (src/scim/resource-routes.ts relies on it). */
  Resources: T[];
}

const INTEGER = /^[+-]?\d+$/;

/** Read list parameters from a query string already split into name → value. */
export function parseListParams(query: Record<string, string | undefined>, limits: ListLimits): ScimResult<ListParams> {
  const get = (name: string): string | undefined => {
    const key = Object.keys(query).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : query[key];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  // `?cursor` with no value asks for the first cursor page, so presence matters, not only a value.
  const cursorKey = Object.keys(query).find((candidate) => candidate.toLowerCase() === 'cursor');
  return build(
    {
      cursor: cursorKey === undefined ? undefined : (query[cursorKey] ?? '').trim(),
      filter: get('filter'),
      startIndex: get('startIndex'),
      count: get('count'),
      sortBy: get('sortBy'),
      sortOrder: get('sortOrder'),
      attributes: get('attributes'),
      excludedAttributes: get('excludedAttributes'),
    },
    limits,
  );
}

/** Read a POST /.search body (RFC 7644 §3.4.3) into the same shape as the query parameters. */
export function parseSearchRequest(body: unknown, limits: ListLimits): ScimResult<ListParams> {
  if (!isJsonObject(body)) return fail(scimError('invalidSyntax', 'the search request must be a JSON object'));
  const field = (name: string): unknown => {
    const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : body[key];
  };
  const schemas = field('schemas');
  if (!Array.isArray(schemas) || !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())) {
    return fail(scimError('invalidSyntax', `"schemas" must include "${SEARCH_REQUEST_SCHEMA}"`));
  }
  const raw: Record<string, string | undefined> = {};
  const cursor = field('cursor');
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== 'string') return fail(scimError('invalidCursor', '"cursor" must be a string: empty for the first page, then a nextCursor'));
    raw.cursor = cursor;
  }
  for (const name of ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count']) {
    const value = field(name);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      return fail(scimError('invalidValue', `"${name}" must be a ${name === 'startIndex' || name === 'count' ? 'number' : 'string'}`));
    }
    raw[name] = String(value);
  }
  for (const name of ['attributes', 'excludedAttributes']) {
    const value = field(name);
    if (value === undefined || value === null) continue;
    // The RFC makes these arrays of strings; a comma-separated string is accepted too.
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
      return fail(scimError('invalidValue', `"${name}" must be a list of attribute names`));
    }
    raw[name] = list.join(',');
  }
  return parseListParams(raw, limits);
}

interface RawParams {
  cursor?: string | undefined;
  filter: string | undefined;
  startIndex: string | undefined;
  count: string | undefined;
  sortBy: string | undefined;
  sortOrder: string | undefined;
  attributes: string | undefined;
  excludedAttributes: string | undefined;
}

function build(raw: RawParams, limits: ListLimits): ScimResult<ListParams> {
  const startIndex = parseInteger('startIndex', raw.startIndex);
  if (!startIndex.ok) return startIndex;
  const count = parseInteger('count', raw.count);
  if (!count.ok) return count;
  let sortOrder: SortOrder = 'ascending';
  if (raw.sortOrder !== undefined) {
    const order = raw.sortOrder.trim().toLowerCase();
    if (order !== 'ascending' && order !== 'descending') {
      return fail(scimError('invalidValue', `sortOrder must be "ascending" or "descending", not "${raw.sortOrder}"`));
    }
    sortOrder = order;
  }
  if (raw.cursor !== undefined) {
    if (startIndex.value !== undefined) return fail(scimError('invalidValue', 'use either startIndex (index pages) or cursor (RFC 9865), not both'));
    if (count.value !== undefined && count.value < 1) return fail(scimError('invalidCount', `count must be between 1 and ${limits.maxResults} with a cursor`));
  }
  return ok({
    cursor: raw.cursor,
    filter: raw.filter,
    startIndex: Math.max(1, startIndex.value ?? 1),
    count: Math.min(limits.maxResults, Math.max(0, count.value ?? limits.defaultCount)),
    sortBy: raw.sortBy?.trim(),
    sortOrder,
    attributes: raw.attributes,
    excludedAttributes: raw.excludedAttributes,
  });
}

function parseInteger(name: string, text: string | undefined): ScimResult<number | undefined> {
  if (text === undefined) return ok(undefined);
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return fail(scimError('invalidValue', `${name} must be an integer, not "${text}"`));
  const value = Number(trimmed);
  // Beyond the safe range the value only means "very large" (or very small): clamp, do not fail.
  return ok(Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, value)));
}

/** A cursor page's ListResponse (RFC 9865 §2): no startIndex; nextCursor unless it is the last page. */
export function cursorListResponse<T>(resources: T[], totalResults: number, nextCursor: string | undefined): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    ...(nextCursor === undefined ? {} : { nextCursor }),
    Resources: resources,
  };
}

/** Build a ListResponse; itemsPerPage is the number of resources on this page (RFC 7644 §3.4.2). */
export function listResponse<T>(resources: T[], totalResults: number, startIndex: number): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
