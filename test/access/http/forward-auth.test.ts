// Forward auth at /oauth2/auth in oauth2-proxy's nginx auth_request contract, against the live
// directory: deprovisioning and group removals flip the very next decision, cache or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { createHarness, REDIRECT_URIS, type Harness, type Jar } from './harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function signedIn(options: Parameters<typeof createHarness>[1] = {}): Promise<{ h: Harness; jar: Jar; userId: string }> {
  const h = await createHarness(op, options);
  const userId = await h.provision(ALICE);
  const { res, jar } = await h.signInAs(ALICE);
  expect(res.status).toBe(302);
  return { h, jar, userId };
}

const auth = (h: Harness, jar: Jar | undefined, query = '', headers: Record<string, string> = {}) =>
  h.request(`/oauth2/auth${query}`, { ...(jar ? { cookies: jar } : {}), headers });

describe('nginx auth_request contract (oauth2-proxy compatible)', () => {
  it('202 with identity and effective-group headers when signed in', async () => {
    const { h, jar, userId } = await signedIn();
    const inner = await h.group('R&D, EMEA', [{ value: userId }]);
    await h.group('Engineering', [{ value: inner }]);
    const res = await auth(h, jar);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-auth-request-user')).toBe(ALICE.preferredUsername);
    expect(res.headers.get('x-auth-request-email')).toBe(ALICE.email);
    expect(res.headers.get('x-auth-request-groups')).toBe('Engineering,R&D%2C EMEA');
    // Ids only when configured: proxies hold all auth-response headers in one small buffer.
    expect(res.headers.get('x-auth-request-group-ids')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('X-Auth-Request-Group-Ids with forwardAuth.groupIdsHeader, in the order of the names', async () => {
    const { h, jar, userId } = await signedIn({ config: { forwardAuth: { groupIdsHeader: true } } });
    const inner = await h.group('R&D, EMEA', [{ value: userId }]);
    const outer = await h.group('Engineering', [{ value: inner }]);
    const res = await auth(h, jar);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-auth-request-groups')).toBe('Engineering,R&D%2C EMEA');
    expect(res.headers.get('x-auth-request-group-ids')).toBe(`${outer},${inner}`);
  });

  it('401 without a session, 401 with an unknown one', async () => {
    const h = await createHarness(op);
    expect((await auth(h, undefined)).status).toBe(401);
    expect((await auth(h, new Map([['scimgate_session', 'x'.repeat(43)]]))).status).toBe(401);
  });

  it('allowed_groups query: 202 when in any listed group (by name, id or externalId), else 403', async () => {
    const { h, jar, userId } = await signedIn();
    const admins = await h.group('Admins', [{ value: userId }]);
    expect((await auth(h, jar, '?allowed_groups=Nobody,admins')).status).toBe(202);
    expect((await auth(h, jar, `?allowed_groups=${admins}`)).status).toBe(202);
    expect((await auth(h, jar, '?allowed_groups=Nobody')).status).toBe(403);
  });

  it('config routes: the most specific route for the original URL decides', async () => {
    const { h, jar, userId } = await signedIn({
      config: {
        routes: [
          { host: 'grafana.example.com', pathPrefix: '/', allowedGroups: ['Grafana Users'] },
          { host: 'grafana.example.com', pathPrefix: '/admin', allowedGroups: ['Grafana Admins'] },
        ],
      },
    });
    await h.group('Grafana Users', [{ value: userId }]);
    h.peer.address = '127.0.0.1';
    const at = (url: string) => auth(h, jar, '', { 'x-original-url': url });
    expect((await at('https://grafana.example.com/d/1')).status).toBe(202);
    expect((await at('https://grafana.example.com/admin/users')).status).toBe(403);
    expect((await at('https://grafana.example.com/administrator')).status).toBe(202);
    expect((await at('https://other.example.com/admin')).status).toBe(202);
  });

  it('an /admin route cannot be slipped past with //admin, /%61dmin or /x/../admin', async () => {
    const { h, jar, userId } = await signedIn({
      config: { routes: [{ host: 'app.example.com', pathPrefix: '/admin', allowedGroups: ['Admins'] }] },
    });
    await h.group('Staff', [{ value: userId }]);
    h.peer.address = '127.0.0.1';
    for (const path of ['/admin', '//admin', '/%61dmin/x', '/x/../admin', '/admin/', '/\\admin']) {
      const res = await auth(h, jar, '', { 'x-original-url': `https://app.example.com${path}` });
      expect(res.status, path).toBe(403);
    }
  });

  it('a malformed allowed_groups is refused (403) instead of meaning "no restriction"', async () => {
    const { h, jar } = await signedIn();
    expect((await auth(h, jar, '?allowed_groups=')).status).toBe(403);
    expect((await auth(h, jar, '?allowed_groups=a,,b')).status).toBe(403);
  });

  it('spoofed X-Forwarded-* / X-Original-URL from an untrusted peer are ignored', async () => {
    const { h, jar } = await signedIn({ config: { routes: [{ host: 'secret.example.com', allowedGroups: ['Nobody'] }] } });
    h.peer.address = '203.0.113.50';
    const spoofHost = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example.com', 'x-forwarded-uri': '/' };
    // The untrusted client cannot move the request away from the restricted route…
    h.peer.address = '127.0.0.1';
    expect((await auth(h, jar, '', { 'x-original-url': 'https://secret.example.com/' })).status).toBe(403);
    h.peer.address = '203.0.113.50';
    // …and cannot pull a restricted route onto itself either: its headers are simply not read.
    expect((await auth(h, jar, '', { 'x-original-url': 'https://secret.example.com/' })).status).toBe(202);
    expect((await auth(h, jar, '', spoofHost)).status).toBe(202);
  });
});

describe('deprovisioning ends access on the very next decision', () => {
  const deactivations: [string, (h: Harness, id: string) => Promise<{ status: number }>][] = [
    ['PATCH active "False" (Entra string)', (h, id) => h.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })],
    ['PATCH active false', (h, id) => h.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] })],
    ['PUT with active false', (h, id) => h.scim('PUT', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: ALICE.preferredUsername, externalId: ALICE.oid, active: false })],
    ['DELETE', (h, id) => h.scim('DELETE', `/Users/${id}`)],
  ];
  for (const [name, change] of deactivations) {
    it(`${name} → next /oauth2/auth is 401 (decision cache warm)`, async () => {
      const { h, jar, userId } = await signedIn();
      expect((await auth(h, jar)).status).toBe(202);
      expect((await auth(h, jar)).status).toBe(202); // served from the cache
      expect((await change(h, userId)).status).toBeLessThan(300);
      expect((await auth(h, jar)).status).toBe(401);
      expect((await h.request('/oauth2/userinfo', { cookies: jar })).status).toBe(401);
    });
  }

  it('reactivation does not revive the revoked session', async () => {
    const { h, jar, userId } = await signedIn();
    await h.scim('PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
    await h.scim('PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect((await auth(h, jar)).status).toBe(401);
  });

  it('removal from a group (direct) → next decision 403', async () => {
    const { h, jar, userId } = await signedIn();
    const gid = await h.group('Ops', [{ value: userId }]);
    expect((await auth(h, jar, '?allowed_groups=Ops')).status).toBe(202);
    await h.scim('PATCH', `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] });
    expect((await auth(h, jar, '?allowed_groups=Ops')).status).toBe(403);
  });

  it('removal through a nested group → next decision 403', async () => {
    const { h, jar, userId } = await signedIn();
    const team = await h.group('Team', [{ value: userId }]);
    const dept = await h.group('Dept', [{ value: team }]);
    expect((await auth(h, jar, '?allowed_groups=Dept')).status).toBe(202);
    await h.scim('PATCH', `/Groups/${dept}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${team}"]` }] });
    expect((await auth(h, jar, '?allowed_groups=Dept')).status).toBe(403);
    expect((await auth(h, jar, '?allowed_groups=Team')).status).toBe(202);
  });

  it('sign-out revokes server-side: the old cookie is refused even if replayed', async () => {
    const { h, jar } = await signedIn();
    const copy = new Map(jar);
    expect((await auth(h, jar)).status).toBe(202);
    const out = await h.request('/oauth2/sign_out?rd=/bye', { cookies: jar });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/bye');
    expect(out.headers.getSetCookie().join()).toMatch(/scimgate_session=;.*Max-Age=0/);
    expect((await auth(h, copy)).status).toBe(401);
  });
});
