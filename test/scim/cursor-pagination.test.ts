/**
 * RFC 9865 cursor pagination on /Users and /Groups, GET and POST /.search: pages chained by
 * nextCursor cover the list once, in order; cursors are opaque, tamper-evident and tied to their
 * query; errors use RFC 9865's scimTypes.
 */
import { describe, expect, it } from 'vitest';
import { createPageCursors } from '../../src/scim/http/page-cursor.js';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

async function tenant(count: number): Promise<TestScimApp> {
  const t = createTestScimApp();
  for (let i = 0; i < count; i++) {
    const response = await t.scim('POST', '/Users', { schemas: [USER], userName: `user${i}@example.com`, title: i % 3 === 0 ? undefined : `t${i % 4}` });
    expect(response.status).toBe(201);
  }
  return t;
}

async function allPages(t: TestScimApp, query: string): Promise<{ ids: string[]; pages: number; bodies: unknown[] }> {
  const ids: string[] = [];
  const bodies: unknown[] = [];
  let cursor = '';
  for (let pages = 1; pages < 50; pages++) {
    const response = await t.scim('GET', `/Users?${query}&cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    bodies.push(body);
    expect(body.startIndex).toBeUndefined();
    ids.push(...body.Resources.map((r: { id: string }) => r.id));
    if (body.nextCursor === undefined) return { ids, pages, bodies };
    expect(body.nextCursor).toMatch(/^[A-Za-z0-9._~-]+$/);
    cursor = body.nextCursor;
  }
  throw new Error('too many pages');
}

describe('RFC 9865 cursor pagination', () => {
  it('ServiceProviderConfig advertises both methods, index the default', async () => {
    const t = createTestScimApp();
    const body = await (await t.scim('GET', '/ServiceProviderConfig')).json();
    expect(body.pagination).toEqual({ cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000, cursorTimeout: 3600 });
  });

  it.each([
    ['count=2', 'everything'],
    ['count=3&sortBy=title', 'sorted, with missing values'],
    ['count=2&sortBy=title&sortOrder=descending', 'sorted descending'],
    ['count=1&filter=' + encodeURIComponent('userName co "1" or title eq "t2"'), 'filtered'],
  ])('pages chained by nextCursor (%s: %s) hold the whole list once, in order', async (query) => {
    const t = await tenant(7);
    const whole = await (await t.scim('GET', `/Users?${query.replace(/count=\d/, 'count=100')}`)).json();
    const { ids, bodies } = await allPages(t, query);
    expect(ids).toEqual(whole.Resources.map((r: { id: string }) => r.id));
    for (const body of bodies) expect((body as { totalResults: number }).totalResults).toBe(whole.totalResults);
    // the last page has no nextCursor; every other page is full
    expect((bodies.at(-1) as { nextCursor?: string }).nextCursor).toBeUndefined();
  });

  it('a page ends the list when nothing follows, even when full', async () => {
    const t = await tenant(4);
    const { pages } = await allPages(t, 'count=2');
    expect(pages).toBe(2);
  });

  it('POST /.search takes cursor and count in the body', async () => {
    const t = await tenant(3);
    const search = (cursor: string) => t.scim('POST', '/Users/.search', { schemas: [SEARCH], cursor, count: 2 });
    const first = await (await search('')).json();
    expect(first.Resources).toHaveLength(2);
    const second = await (await search(first.nextCursor)).json();
    expect(second.Resources).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    expect(second.totalResults).toBe(3);
  });

  it('/Groups pages by cursor too', async () => {
    const t = createTestScimApp();
    for (const name of ['a', 'b', 'c']) await t.scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: name });
    const first = await (await t.scim('GET', '/Groups?cursor&count=2')).json();
    const second = await (await t.scim('GET', `/Groups?cursor=${first.nextCursor}&count=2`)).json();
    expect([...first.Resources, ...second.Resources].map((g: { displayName: string }) => g.displayName)).toEqual(['a', 'b', 'c']);
  });

  it('a changed, foreign or garbled cursor is 400 invalidCursor', async () => {
    const t = await tenant(3);
    const first = await (await t.scim('GET', '/Users?cursor&count=1')).json();
    const [body, mac] = (first.nextCursor as string).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), k: 0 })).toString('base64url');
    for (const cursor of [`${forged}.${mac}`, 'garbage', `${body}.${mac.slice(1)}x`]) {
      const response = await t.scim('GET', `/Users?cursor=${cursor}&count=1`);
      expect(response.status).toBe(400);
      expect((await response.json()).scimType).toBe('invalidCursor');
    }
    // The same cursor with another filter: it does not belong to that query.
    const other = await t.scim('GET', `/Users?cursor=${first.nextCursor}&count=1&filter=${encodeURIComponent('userName pr')}`);
    expect((await other.json()).scimType).toBe('invalidCursor');
    // A cursor from another server key (another deployment) is not ours.
    const elsewhere = createPageCursors().seal({ key: 1 }, 'x');
    expect((await (await t.scim('GET', `/Users?cursor=${elsewhere}`)).json()).scimType).toBe('invalidCursor');
  });

  it('startIndex with a cursor is invalidValue; a count below 1 is invalidCount', async () => {
    const t = await tenant(1);
    expect((await (await t.scim('GET', '/Users?cursor&startIndex=2')).json()).scimType).toBe('invalidValue');
    const zero = await t.scim('GET', '/Users?cursor&count=0');
    expect(zero.status).toBe(400);
    expect((await zero.json()).scimType).toBe('invalidCount');
  });
});

describe('RFC 9865 cursors expire', () => {
  it('after cursorTimeout a cursor is expiredCursor; before, it opens', () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const cursors = createPageCursors(new Uint8Array(32), () => now);
    const cursor = cursors.seal({ key: 7, sort: 'x' }, 'q');
    now = new Date(now.getTime() + 3600_000);
    expect(cursors.open(cursor, 'q')).toEqual({ ok: true, value: { key: 7, sort: 'x' } });
    now = new Date(now.getTime() + 1000);
    const expired = cursors.open(cursor, 'q');
    expect(expired.ok).toBe(false);
    if (!expired.ok) expect(expired.error.scimType).toBe('expiredCursor');
  });
});
