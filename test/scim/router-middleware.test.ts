/**
 * Hono used as Hono: a `use()` on the SCIM routers (an audit trail, a rate limit) must not break
 * them. It once did: every SCIM request answered 500 "Context is not finalized", because the
 * router re-registered each route entry — the middleware too — as a lone endpoint.
 */
import type { MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { createTestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Counts the requests it sees, notes whether they were authenticated, and tags the answer. */
function auditing(): { middleware: MiddlewareHandler; seen: { path: string; authenticated: boolean }[] } {
  const seen: { path: string; authenticated: boolean }[] = [];
  const middleware: MiddlewareHandler = async (c, next) => {
    seen.push({ path: c.req.path, authenticated: c.get('scimToken' as never) !== undefined });
    await next();
    c.header('X-Audited', 'yes');
  };
  return { middleware, seen };
}

describe('SCIM routers with a use() middleware', () => {
  it('every endpoint still answers as before, through the middleware, after authentication', async () => {
    const audit = auditing();
    const t = createTestScimApp({ app: { scimMiddleware: [audit.middleware] } });

    const created = await t.scim('POST', '/Users', { schemas: [USER], userName: 'mw@example.com' });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-audited')).toBe('yes');
    const user = await created.json();

    expect((await t.scim('GET', `/Users/${user.id}`)).status).toBe(200);
    const listed = await t.scim('GET', '/Users?filter=userName%20eq%20%22mw@example.com%22');
    expect(listed.status).toBe(200);
    expect((await listed.json()).totalResults).toBe(1);
    const patched = await t.scim('PATCH', `/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'MW' }] });
    expect(patched.status).toBe(200);
    expect((await patched.json()).displayName).toBe('MW');

    const group = await (await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'audited' })).json();
    const added = await t.scim('PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] });
    expect([200, 204]).toContain(added.status);
    const members = await (await t.scim('GET', `/Groups/${group.id}`)).json();
    expect(members.members).toEqual([expect.objectContaining({ value: user.id })]);

    expect((await t.scim('GET', '/ServiceProviderConfig')).status).toBe(200);
    expect((await t.scim('DELETE', `/Users/${user.id}`)).status).toBe(204);

    expect(audit.seen.length).toBe(9);
    expect(audit.seen.every((request) => request.authenticated)).toBe(true);
  });

  it('refusals keep their SCIM form: 401 before the middleware runs, 404, 400', async () => {
    const audit = auditing();
    const t = createTestScimApp({ app: { scimMiddleware: [audit.middleware] } });

    const unauthenticated = await t.scim('GET', '/Users', undefined, { Authorization: 'Bearer wrong' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await unauthenticated.json()).schemas).toEqual([ERROR]);
    expect(audit.seen).toEqual([]);

    const missing = await t.scim('GET', '/Users/no-such-id');
    expect(missing.status).toBe(404);
    expect((await missing.json()).schemas).toEqual([ERROR]);

    const bad = await t.scim('GET', '/Users?filter=userName%20zz%20%22x%22');
    expect(bad.status).toBe(400);
    expect((await bad.json()).scimType).toBe('invalidFilter');
  });

  it('a middleware that throws answers a SCIM 500 that says nothing about the cause', async () => {
    const failing: MiddlewareHandler = async () => {
      throw new Error('secret internals');
    };
    const t = createTestScimApp({ app: { scimMiddleware: [failing] } });
    const res = await t.scim('GET', '/Users');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/scim+json');
    const body = await res.json();
    expect(body).toEqual({ schemas: [ERROR], status: '500', detail: 'internal server error' });
  });
});
