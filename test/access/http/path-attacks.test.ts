// Path normalisation attacks through the real app: a route protects /admin, a laxer host-wide
// route lets Staff in everywhere else. No spelling of /admin that some upstream (Tomcat, IIS, a
// case-insensitive router, a double-decoding framework) would serve as /admin may get the
// laxer route's 202 — it either gets the admin policy or is refused outright.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { createHarness, REDIRECT_URIS, type Harness, type Jar } from './harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

/** Each of these means /admin (or something under it) to at least one widespread upstream. */
export const ADMIN_SPELLINGS = [
  '/admin',
  '/admin/',
  '/admin/x',
  '/ADMIN/x',
  '/Admin',
  '/aDmIn/users',
  '/admin;x/y',
  '/admin;/x',
  '/admin;jsessionid=1A2B',
  '/admin%3b/x',
  '/admin%3B/x',
  '/admin..;/',
  '/.;/admin',
  '/x;/../admin',
  '/admin%2fx',
  '/admin%2Fx',
  '/admin%5cx',
  '/admin%5Cx',
  '/x/..%2fadmin',
  '/x/..%2Fadmin/y',
  '/x/%2e%2e/admin',
  '/x/%2E%2E%2Fadmin',
  '/admin%2f..%2fadmin',
  '/admin.',
  '/admin./x',
  '/admin../x',
  '/admin%2e/x',
  '/%61dmin',
  '/%2561dmin/x',
  '/%2561%2564min',
  '/admin%252f',
  '/admin%252e/x',
  '/%252e%252e/admin',
  '/admin%00/x',
  '/admin%00',
  '/admin%20/x',
  '/%20admin/x',
  '/admin%09/x',
  '/admin%0a/x',
  '/admin%0d%0a/x',
  '/%c0%afadmin',
  '/x%c0%af..%c0%afadmin',
  '/%e0%80%afadmin',
  '/admin%ff',
  '/%u0061dmin',
  '/%EF%BD%81%EF%BD%84%EF%BD%8D%EF%BD%89%EF%BD%8E/x',
  '//admin/x',
  '///admin',
  '/./admin',
  '/x/../admin',
  '/admin/%2e%2e/admin',
];

/** Not /admin in any reading: the laxer route must still answer these (no over-blocking). */
const NOT_ADMIN = ['/', '/other', '/administrator', '/adminx', '/x/admin', '/admin-panel', '/app;jsessionid=1', '/a%20b', '/reports/q1.csv'];

const ROUTES = [
  { host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Staff'] },
  { host: 'app.example.com', pathPrefix: '/admin', allowedGroups: ['Admins'] },
];

/** Alice signed in, in Staff and in `extra` groups, behind a trusted proxy. */
async function aliceIn(extra: string[]): Promise<{ h: Harness; jar: Jar }> {
  const h = await createHarness(op, { config: { routes: ROUTES } });
  const alice = await h.provision(ALICE);
  for (const name of ['Staff', ...extra]) await h.group(name, [{ value: alice }]);
  const { jar } = await h.signInAs(ALICE);
  h.peer.address = '127.0.0.1';
  return { h, jar };
}

const at = (h: Harness, jar: Jar, path: string) =>
  h.request('/oauth2/auth', { cookies: jar, headers: { 'x-original-url': `https://app.example.com${path}` } });

describe('path normalisation attack list (route /admin behind a host-wide route)', () => {
  let staff: { h: Harness; jar: Jar };
  beforeAll(async () => {
    staff = await aliceIn([]);
  });

  it('lists at least 40 spellings', () => {
    expect(ADMIN_SPELLINGS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ADMIN_SPELLINGS)('%s: a Staff-only user is not let in', async (path) => {
    expect((await at(staff.h, staff.jar, path)).status).not.toBe(202);
  });

  it.each(NOT_ADMIN)('%s: the host-wide route still answers', async (path) => {
    expect((await at(staff.h, staff.jar, path)).status).toBe(202);
  });
});

describe('ambiguous paths get the strictest reading, not a blanket refusal', () => {
  let admin: { h: Harness; jar: Jar };
  beforeAll(async () => {
    admin = await aliceIn(['Admins']);
  });

  it.each(['/admin', '/ADMIN/x', '/admin;jsessionid=1A2B', '/admin%2fx', '/admin./x', '/%2561dmin/x'])(
    '%s: a user both routes allow gets in',
    async (path) => {
      expect((await at(admin.h, admin.jar, path)).status).toBe(202);
    },
  );
});

describe('routes limited to methods, through /oauth2/auth', () => {
  it('the proxy-sent method picks the route; without one, every route the request could be must allow', async () => {
    const h = await createHarness(op, {
      config: {
        routes: [
          { host: 'app.example.com', pathPrefix: '/api', allowedGroups: ['Staff'] },
          { host: 'app.example.com', pathPrefix: '/api', methods: ['POST', 'DELETE'], allowedGroups: ['Writers'] },
        ],
      },
    });
    const alice = await h.provision(ALICE);
    await h.group('Staff', [{ value: alice }]);
    const { jar } = await h.signInAs(ALICE);
    h.peer.address = '127.0.0.1';
    const ask = (headers: Record<string, string>) =>
      h.request('/oauth2/auth', { cookies: jar, headers: { 'x-original-url': 'https://app.example.com/api/items', ...headers } });
    expect((await ask({ 'x-original-method': 'GET' })).status).toBe(202);
    expect((await ask({ 'x-original-method': 'POST' })).status).toBe(403);
    expect((await ask({ 'x-forwarded-method': 'delete' })).status).toBe(403);
    expect((await ask({})).status).toBe(403);
    // From an untrusted peer the method header is ignored like the URL: our own URL, no route.
    h.peer.address = '203.0.113.7';
    expect((await ask({ 'x-original-method': 'GET' })).status).toBe(202);
  });
});
