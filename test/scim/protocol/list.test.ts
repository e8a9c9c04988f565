import { describe, expect, it } from 'vitest';
import { listResponse, parseListParams, parseSearchRequest, SEARCH_REQUEST_SCHEMA } from '../../../src/scim/protocol/list.js';

const limits = { maxResults: 200, defaultCount: 100 };

function params(query: Record<string, string | undefined>) {
  const result = parseListParams(query, limits);
  if (!result.ok) throw new Error(result.error.detail);
  return result.value;
}

function errorOf(query: Record<string, string | undefined>) {
  const result = parseListParams(query, limits);
  return result.ok ? undefined : result.error.scimType;
}

describe('RFC 7644 §3.4.2 list parameters', () => {
  it('defaults', () => {
    expect(params({})).toEqual({
      filter: undefined,
      startIndex: 1,
      count: 100,
      sortBy: undefined,
      sortOrder: 'ascending',
      attributes: undefined,
      excludedAttributes: undefined,
    });
  });

  it('reads Entra\'s pagination and test-connection queries', () => {
    expect(params({ startIndex: '3', count: '2' })).toMatchObject({ startIndex: 3, count: 2 });
    expect(params({ excludedAttributes: 'members', filter: 'displayName eq "x"' })).toMatchObject({
      excludedAttributes: 'members',
      filter: 'displayName eq "x"',
    });
  });

  it('§3.4.2.4: startIndex below 1 is 1, negative count is 0, count above the maximum is the maximum', () => {
    expect(params({ startIndex: '0' }).startIndex).toBe(1);
    expect(params({ startIndex: '-5' }).startIndex).toBe(1);
    expect(params({ count: '-1' }).count).toBe(0);
    expect(params({ count: '0' }).count).toBe(0);
    expect(params({ count: '5000' }).count).toBe(200);
    expect(params({ count: '99999999999999999999999' }).count).toBe(200);
  });

  it.each([{ startIndex: '1.5' }, { startIndex: 'one' }, { count: '2e3' }, { count: '0x10' }])('%j is 400 invalidValue', (query) => {
    expect(errorOf(query)).toBe('invalidValue');
  });

  it('sortOrder is case-insensitive; anything else is 400 invalidValue', () => {
    expect(params({ sortBy: 'userName', sortOrder: 'Descending' })).toMatchObject({ sortBy: 'userName', sortOrder: 'descending' });
    expect(errorOf({ sortOrder: 'up' })).toBe('invalidValue');
  });

  it('parameter names match case-insensitively and blank values count as absent', () => {
    expect(params({ STARTINDEX: '4', Count: '', filter: ' ' })).toMatchObject({ startIndex: 4, count: 100, filter: undefined });
  });

  it('attributes and excludedAttributes may both be given (projection selects, then removes)', () => {
    expect(params({ attributes: 'userName', excludedAttributes: 'emails' })).toMatchObject({ attributes: 'userName', excludedAttributes: 'emails' });
  });
});

describe('RFC 7644 §3.4.3 POST /.search', () => {
  it('reads the same parameters from the body', () => {
    const result = parseSearchRequest(
      { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'userName sw "a"', startIndex: 2, count: 10, attributes: ['userName', 'emails.value'], sortOrder: 'descending' },
      limits,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        filter: 'userName sw "a"',
        startIndex: 2,
        count: 10,
        sortBy: undefined,
        sortOrder: 'descending',
        attributes: 'userName,emails.value',
        excludedAttributes: undefined,
      },
    });
  });

  it.each([[null], [[]], [{}], [{ schemas: ['urn:x'] }]])('%j without the SearchRequest schema is 400 invalidSyntax', (body) => {
    const result = parseSearchRequest(body, limits);
    expect(result.ok ? undefined : result.error.scimType).toBe('invalidSyntax');
  });

  it.each([{ count: 1.5 }, { count: true }, { attributes: [1] }, { filter: {} }])('%j is 400 invalidValue', (fields) => {
    const result = parseSearchRequest({ schemas: [SEARCH_REQUEST_SCHEMA], ...fields }, limits);
    expect(result.ok ? undefined : result.error.scimType).toBe('invalidValue');
  });
});

describe('RFC 7644 §3.4.2 ListResponse', () => {
  it('itemsPerPage is the page size and startIndex is echoed', () => {
    expect(listResponse([{ id: 'a' }, { id: 'b' }], 5, 3)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 5,
      startIndex: 3,
      itemsPerPage: 2,
      Resources: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('an empty result is 0 results with an empty Resources list', () => {
    expect(listResponse([], 0, 1)).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });
});
