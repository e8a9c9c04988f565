/**
 * Issue 11: one filter of hundreds of OR'd terms held the server for a minute. Filters beyond the
 * documented bounds are refused as invalidFilter before anything runs; within them, the work is
 * bounded (test/directory/filter-sql.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { MAX_FILTER_SUBQUERIES, MAX_FILTER_TERMS } from '../../src/directory/sqlite/filter-sql.js';
import { MAX_FILTER_LENGTH } from '../../src/scim/protocol/filter/parse.js';
import { createTestScimApp } from '../support/scim-app.js';

const chain = (term: (i: number) => string, joiner: string, count: number) => Array.from({ length: count }, (_, i) => term(i)).join(` ${joiner} `);
const longest = (term: (i: number) => string, joiner: string) => {
  let count = 1;
  while (chain(term, joiner, count + 1).length <= MAX_FILTER_LENGTH) count += 1;
  return chain(term, joiner, count);
};

describe('RFC 7644 §3.4.2.2 filters: bounded work (issue 11)', () => {
  it.each([
    ['GET /Users', 'or', (i: number) => `groups.display co "zz${i}"`],
    ['GET /Users', 'or', (i: number) => `emails[value co "zz${i}"]`],
    ['GET /Users', 'and', (i: number) => `not (emails.value co "zz${i}")`],
    ['POST /Users/.search', 'or', (i: number) => `emails[value co "zz${i}"]`],
  ])('%s: the worst filter of the issue (%s chain) answers 400 invalidFilter', async (route, joiner, term) => {
    const t = createTestScimApp();
    const filter = longest(term, joiner);
    const response =
      route === 'GET /Users'
        ? await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`)
        : await t.scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.scimType).toBe('invalidFilter');
    expect(body.detail).toContain(`at most ${MAX_FILTER_TERMS}`);
  });

  it('a filter at the bounds is answered', async () => {
    const t = createTestScimApp();
    await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'zz3@example.com', emails: [{ value: 'zz3@example.com' }] });
    const filter = chain((i) => `emails[value co "zz${i}@"]`, 'or', MAX_FILTER_TERMS);
    const response = await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(response.status).toBe(200);
    expect((await response.json()).totalResults).toBe(1);
  });

  it(`searches that cannot share a subquery are bounded at ${MAX_FILTER_SUBQUERIES}`, async () => {
    const t = createTestScimApp();
    const pair = (i: number) => `(emails.value co "a${i}" and groups.display eq "b${i}")`;
    const response = await t.scim('GET', `/Users?filter=${encodeURIComponent(chain(pair, 'or', MAX_FILTER_SUBQUERIES))}`);
    expect(response.status).toBe(400);
    expect((await response.json()).scimType).toBe('invalidFilter');
  });
});
