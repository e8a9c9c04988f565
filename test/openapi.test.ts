/**
 * openapi.yaml stays true to the app: it is a valid OpenAPI 3.1 document, it lists exactly the
 * routes createApp serves with every optional router enabled (read from the built app, so a new
 * router fails this test until it is documented), and real responses — SCIM, sign-in and forward
 * auth — match the documented statuses, headers and schemas.
 */
import { compileErrors, validate } from '@readme/openapi-parser';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absorb, ADMIN_TOKEN, createHarness, REDIRECT_URIS, type Harness, type Jar } from './access/http/harness.js';
import { ACCOUNTS, ALICE, TENANT_A, TENANTS } from './support/oidc-fixtures.js';
import { startTestProvider, TEST_CLIENTS, type TestProvider } from './support/oidc-provider.js';
import { createResponseChecker } from './support/openapi-responses.js';
import {
  OPENAPI_PATH,
  documentedOperations,
  loadOpenApi,
  servedOperations,
  toOpenApiPath,
} from './support/openapi-routes.js';
import { createTestScimApp, type TestScimApp } from './support/scim-app.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const doc = loadOpenApi();
const check = createResponseChecker(doc);

// The in-process OpenID provider the access-enabled app signs in against (loopback only).
let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

/** Each operation's own `security` (undefined when it inherits the document's). */
function operationSecurity(): [string, Record<string, unknown>[] | undefined][] {
  return sorted(documentedOperations(doc)).map((key) => {
    const [method = '', path = ''] = key.split(' ');
    const operation = doc.paths[path]?.[method.toLowerCase()] as { security?: Record<string, unknown>[] };
    return [key, operation.security];
  });
}

const sorted = (set: Set<string>) => [...set].sort();
const minus = (a: Set<string>, b: Set<string>) => sorted(new Set([...a].filter((x) => !b.has(x))));

describe('OpenAPI 3.1 document', () => {
  it('openapi.yaml validates with no errors', async () => {
    const result = await validate(OPENAPI_PATH);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI', warnings: [] });
  });

  it('is OpenAPI 3.1: bearer auth under /scim/v2, cookies (never the bearer token) under /oauth2, none on /healthz', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect((doc.paths['/healthz']?.get as { security?: unknown }).security).toEqual([]);
    const cookieSchemes = new Set(['sessionCookie', 'pendingLoginCookie']);
    for (const [key, security] of operationSecurity()) {
      if (key.includes(' /scim/v2/')) expect(security, `${key} inherits bearer`).toBeUndefined();
      if (!key.includes(' /oauth2/')) continue;
      expect(security, `${key} states its own security`).toBeDefined();
      const schemes = (security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect(schemes.filter((name) => !cookieSchemes.has(name)), key).toEqual([]);
    }
    expect(doc.components.securitySchemes?.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie' });
  });
});

describe('openapi.yaml documents every route the app serves, and nothing else', () => {
  // Built through createApp like the server, with every optional router enabled: sign-in and
  // forward auth under /oauth2 are mounted only when OIDC is configured, so the app comes from
  // the access harness (a real OIDC client against the test provider), not the SCIM-only app.
  let served: Set<string>;
  const documented = documentedOperations(doc);
  beforeAll(async () => {
    served = servedOperations((await createHarness(op)).app);
  });

  it('sees the routes of mounted routers (guards against a vacuous comparison)', () => {
    expect(served).toContain('GET /healthz');
    expect(served).toContain('GET /scim/v2/Users/{id}');
    expect(served).toContain('POST /scim/v2/Groups/.search');
    expect(served).toContain('GET /scim/v2/ServiceProviderConfig');
    expect(served).toContain('GET /oauth2/start');
    expect(served).toContain('GET /oauth2/callback');
    expect(served).toContain('POST /oauth2/sign_out');
    expect(served).toContain('GET /oauth2/auth');
    expect(served).toContain('POST /admin/v1/policy/explain');
  });

  it('the SCIM-only app serves a subset of the access-enabled one (nothing is covered only there)', () => {
    const scimOnly = servedOperations(createTestScimApp().app);
    expect(minus(scimOnly, served)).toEqual([]);
    expect(sorted(scimOnly).filter((op) => op.includes(' /oauth2/'))).toEqual([]);
  });

  it('every served route is documented', () => {
    expect(minus(served, documented), 'add these operations to openapi.yaml').toEqual([]);
  });

  it('every documented route is served', () => {
    expect(minus(documented, served), 'remove these operations from openapi.yaml, or serve them').toEqual([]);
  });

  it('a router mounted later is caught until it is documented', async () => {
    const grown = (await createHarness(op)).app;
    const extra = new Hono();
    extra.post('/refresh', (c) => c.redirect('/'));
    extra.use('*', async (_c, next) => next());
    grown.route('/oauth2', extra);
    expect(minus(servedOperations(grown), documented)).toEqual(['POST /oauth2/refresh']);
  });

  it('a sign-in callback moved by oidc.redirectPath is caught until it is documented', async () => {
    const oidc = { issuer: op.issuer(TENANT_A), clientId: TEST_CLIENTS.secretBasic.clientId, redirectPath: '/auth/return' };
    const moved = await createHarness(op, { config: { oidc } });
    expect(minus(servedOperations(moved.app), documented)).toEqual(['GET /auth/return']);
  });

  it.each([
    ['/scim/v2/Users/:id', '/scim/v2/Users/{id}'],
    ['/a/:id?', '/a/{id}'],
    ['/a/:id{[0-9]+}/b/:name', '/a/{id}/b/{name}'],
    ['/scim/v2/Users/.search', '/scim/v2/Users/.search'],
  ])('hono path %s is OpenAPI path %s', (hono, openapi) => {
    expect(toOpenApiPath(hono)).toBe(openapi);
  });
});

/** A user in a group, so responses carry `groups`, `members` and the enterprise extension. */
async function seed(t: TestScimApp): Promise<{ userId: string; groupId: string }> {
  const user = await t.scim('POST', '/Users', {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName: 'alice@example.com',
    active: 'True',
    name: { givenName: 'Alice', familyName: 'Liddell' },
    emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
    [ENTERPRISE]: { department: 'R&D', manager: { value: 'bob' } },
  });
  const userId = ((await user.json()) as { id: string }).id;
  const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Engineers', members: [{ value: userId }] });
  const groupId = ((await group.json()) as { id: string }).id;
  return { userId, groupId };
}

async function expectDocumented(method: string, path: string, response: Response, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expect((await check(method, path, response)).problems).toEqual([]);
}

describe('real responses match the documented statuses, headers and schemas', () => {
  const scimResponse = (body: unknown, status: number, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/scim+json; charset=utf-8', ...headers } });

  it('the checker catches a wrong body, a missing header and an undocumented status (it is not vacuous)', async () => {
    const numericStatus = await check('GET', '/scim/v2/Users', scimResponse({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: 400, detail: 'x' }, 400));
    expect(numericStatus.problems.join('\n')).toMatch(/body\/status must be string/);
    const stringBoolean = await check('GET', '/scim/v2/Users/{id}', scimResponse({ schemas: [USER_SCHEMA], id: '1', userName: 'a', active: 'True' }, 200, { ETag: 'W/"1"' }));
    expect(stringBoolean.problems.join('\n')).toMatch(/body\/active must be boolean/);
    const noEtag = await check('GET', '/scim/v2/Users/{id}', scimResponse({ schemas: [USER_SCHEMA], id: '1', userName: 'a' }, 200));
    expect(noEtag.problems).toEqual(['header ETag is documented but missing']);
    const noAuthChallenge = await check('GET', '/scim/v2/Users', scimResponse({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'x' }, 401));
    expect(noAuthChallenge.problems).toEqual(['header WWW-Authenticate is documented but missing']);
    const healthz = await check('GET', '/healthz', new Response('{}', { status: 503, headers: { 'Content-Type': 'application/json' } }));
    expect(healthz.problems).toEqual(['GET /healthz does not document status 503']);
  });

  it('POST /Users → 201 User with ETag and Location', async () => {
    const t = createTestScimApp();
    const response = await t.scim('POST', '/Users', { schemas: [USER_SCHEMA, ENTERPRISE], userName: 'u@x', active: 'False', [ENTERPRISE]: { employeeNumber: '7' } });
    await expectDocumented('POST', '/scim/v2/Users', response, 201);
  });

  it('GET /Users → 200 UserListResponse, users carrying groups', async () => {
    const t = createTestScimApp();
    await seed(t);
    await expectDocumented('GET', '/scim/v2/Users', await t.scim('GET', '/Users?sortBy=userName&count=10'), 200);
  });

  it('RFC 9865 cursor pages (GET and POST /.search) and their errors are documented', async () => {
    const t = createTestScimApp();
    await seed(t);
    await t.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'second@example.com' });
    const first = await t.scim('GET', '/Users?cursor&count=1');
    await expectDocumented('GET', '/scim/v2/Users', first.clone(), 200);
    const { nextCursor } = await first.json();
    expect(typeof nextCursor).toBe('string');
    await expectDocumented('GET', '/scim/v2/Users', await t.scim('GET', `/Users?cursor=${nextCursor}&count=1`), 200);
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], cursor: '', count: 1 };
    await expectDocumented('POST', '/scim/v2/Groups/.search', await t.scim('POST', '/Groups/.search', search), 200);
    const invalid = await t.scim('GET', '/Users?cursor=nope');
    await expectDocumented('GET', '/scim/v2/Users', invalid.clone(), 400);
    expect(await invalid.json()).toMatchObject({ scimType: 'invalidCursor' });
  });

  it('POST /Users/.search and /Groups/.search → 200 list responses', async () => {
    const t = createTestScimApp();
    await seed(t);
    const search = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "alice"', attributes: ['userName'] };
    await expectDocumented('POST', '/scim/v2/Users/.search', await t.scim('POST', '/Users/.search', search), 200);
    const groups = { ...search, filter: 'displayName eq "Engineers"', attributes: 'displayName,members' };
    await expectDocumented('POST', '/scim/v2/Groups/.search', await t.scim('POST', '/Groups/.search', groups), 200);
  });

  it('GET, PUT, PATCH and DELETE /Users/{id} → documented statuses', async () => {
    const t = createTestScimApp();
    const { userId } = await seed(t);
    const path = '/scim/v2/Users/{id}';
    await expectDocumented('GET', path, await t.scim('GET', `/Users/${userId}`), 200);
    await expectDocumented('GET', path, await t.scim('GET', `/Users/${userId}`, undefined, { 'If-None-Match': 'W/"1"' }), 304);
    const put = { schemas: [USER_SCHEMA], userName: 'alice@example.com', displayName: 'Alice' };
    await expectDocumented('PUT', path, await t.scim('PUT', `/Users/${userId}`, put), 200);
    const patch = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { 'name.givenName': 'Al', active: 'False' } }] };
    await expectDocumented('PATCH', path, await t.scim('PATCH', `/Users/${userId}`, patch), 200);
    await expectDocumented('PATCH', path, await t.scim('PATCH', `/Users/${userId}`, patch, { 'If-Match': 'W/"1"' }), 412);
    await expectDocumented('DELETE', path, await t.scim('DELETE', `/Users/${userId}`), 204);
    await expectDocumented('GET', path, await t.scim('GET', `/Users/${userId}`), 404);
  });

  it('Groups: list, get, PATCH → 204 (or 200 when a projection is asked for), PUT, DELETE', async () => {
    const t = createTestScimApp();
    const { userId, groupId } = await seed(t);
    const path = '/scim/v2/Groups/{id}';
    await expectDocumented('GET', '/scim/v2/Groups', await t.scim('GET', '/Groups'), 200);
    await expectDocumented('GET', path, await t.scim('GET', `/Groups/${groupId}`), 200);
    const remove = { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: `members[value eq "${userId}"]` }] };
    await expectDocumented('PATCH', path, await t.scim('PATCH', `/Groups/${groupId}`, remove), 204);
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: userId }] }] };
    await expectDocumented('PATCH', path, await t.scim('PATCH', `/Groups/${groupId}?excludedAttributes=members`, add), 200);
    await expectDocumented('PUT', path, await t.scim('PUT', `/Groups/${groupId}`, { schemas: [GROUP_SCHEMA], displayName: 'Eng' }), 200);
    await expectDocumented('POST', '/scim/v2/Groups', await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'eng' }), 409);
    await expectDocumented('DELETE', path, await t.scim('DELETE', `/Groups/${groupId}`), 204);
  });

  it('errors: 400 invalidFilter, 409 uniqueness, 415, 401 with WWW-Authenticate are SCIM Error bodies', async () => {
    const t = createTestScimApp();
    await seed(t);
    const badFilter = await t.scim('GET', '/Users?filter=userName%20zz%20%22a%22');
    await expectDocumented('GET', '/scim/v2/Users', badFilter.clone(), 400);
    expect(await badFilter.json()).toMatchObject({ scimType: 'invalidFilter' });
    await expectDocumented('POST', '/scim/v2/Users', await t.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'ALICE@example.com' }), 409);
    await expectDocumented('POST', '/scim/v2/Users', await t.scim('POST', '/Users', 'userName=x', { 'Content-Type': 'text/plain' }), 415);
    await expectDocumented('GET', '/scim/v2/Users', await t.app.request('http://scim.test/scim/v2/Users'), 401);
  });

  it('discovery endpoints and /healthz', async () => {
    const t = createTestScimApp();
    await expectDocumented('GET', '/scim/v2/ServiceProviderConfig', await t.scim('GET', '/ServiceProviderConfig'), 200);
    await expectDocumented('GET', '/scim/v2/Schemas', await t.scim('GET', '/Schemas'), 200);
    await expectDocumented('GET', '/scim/v2/Schemas/{id}', await t.scim('GET', `/Schemas/${ENTERPRISE}`), 200);
    await expectDocumented('GET', '/scim/v2/Schemas/{id}', await t.scim('GET', '/Schemas/urn:nope'), 404);
    await expectDocumented('GET', '/scim/v2/ResourceTypes', await t.scim('GET', '/ResourceTypes'), 200);
    await expectDocumented('GET', '/scim/v2/ResourceTypes/{id}', await t.scim('GET', '/ResourceTypes/Group'), 200);
    await expectDocumented('GET', '/healthz', await t.app.request('http://scim.test/healthz'), 200);
  });
});

describe('real /oauth2 responses match the documented sign-in and forward-auth contract', () => {
  /** Alice provisioned in a group whose name needs percent-encoding, signed in; jar holds her session. */
  async function signedIn(): Promise<{ h: Harness; jar: Jar; start: Response; callback: Response }> {
    const h = await createHarness(op);
    const userId = await h.provision(ALICE);
    await h.group('R&D, EMEA', [{ value: userId }]);
    const { callback: url, jar, start } = await h.startAndLogin(ALICE, '/app');
    const callback = await h.request(url, { cookies: jar });
    absorb(jar, callback.clone());
    return { h, jar, start, callback };
  }

  it('start → 302 to the provider with the pending-login cookie; callback → 302 with the session cookie', async () => {
    const { start, callback } = await signedIn();
    await expectDocumented('GET', '/oauth2/start', start, 302);
    await expectDocumented('GET', '/oauth2/callback', callback, 302);
  });

  it('start for a favicon (not a page navigation) → 401, no login started', async () => {
    const h = await createHarness(op);
    const response = await h.request('/oauth2/start?rd=/favicon.ico', { headers: { 'sec-fetch-dest': 'image' } });
    await expectDocumented('GET', '/oauth2/start', response, 401);
  });

  it('callback without a pending login → 400 HTML page naming the code', async () => {
    const h = await createHarness(op);
    const response = await h.request('/oauth2/callback?code=c&state=s');
    expect(await response.clone().text()).toContain('no_pending_login');
    await expectDocumented('GET', '/oauth2/callback', response, 400);
  });

  it('auth → 202 with identity headers when signed in, 401 without a session, 403 outside allowed_groups', async () => {
    const { h, jar } = await signedIn();
    const allowed = await h.request('/oauth2/auth', { cookies: jar });
    expect(allowed.headers.get('x-auth-request-groups')).toBe('R&D%2C EMEA');
    await expectDocumented('GET', '/oauth2/auth', allowed, 202);
    await expectDocumented('GET', '/oauth2/auth', await h.request('/oauth2/auth'), 401);
    await expectDocumented('GET', '/oauth2/auth', await h.request('/oauth2/auth?allowed_groups=Nobody', { cookies: jar }), 403);
  });

  it('admin explain → 200 Explanation; 400, 401, 403, 404, 415 in the admin error format', async () => {
    const { h } = await signedIn();
    const url = 'https://app.example.com/x';
    const post = (body: string, headers: Record<string, string>) => h.request('/admin/v1/policy/explain', { method: 'POST', body, headers });
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const path = '/admin/v1/policy/explain';
    await expectDocumented('POST', path, await post(JSON.stringify({ user: ALICE.preferredUsername, url, method: 'GET', ip: '10.1.2.3', at: '2026-12-02T10:00:00Z' }), admin), 200);
    await expectDocumented('POST', path, await post(JSON.stringify({ user: ALICE.preferredUsername }), admin), 400);
    await expectDocumented('POST', path, await post('{}', { 'content-type': 'application/json' }), 401);
    await expectDocumented('POST', path, await post('{}', { ...admin, authorization: `Bearer ${h.scimToken}` }), 403);
    await expectDocumented('POST', path, await post(JSON.stringify({ user: 'ghost', url }), admin), 404);
    await expectDocumented('POST', path, await post('{}', { ...admin, 'content-type': 'text/plain' }), 415);
  });

  it('Shared Signals: discovery, JWKS, stream management and polling answer as documented', async () => {
    const h = await createHarness(op);
    const receiver = h.ssf.tokens.create('receiver').token;
    const auth = { authorization: `Bearer ${receiver}`, 'content-type': 'application/json' };
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
      h.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    await expectDocumented('GET', '/.well-known/ssf-configuration', await call('GET', '/.well-known/ssf-configuration', undefined, {}), 200);
    await h.ssf.keys.current();
    await expectDocumented('GET', '/ssf/jwks.json', await call('GET', '/ssf/jwks.json', undefined, {}), 200);
    const createdResponse = await call('POST', '/ssf/stream', { events_requested: ['https://schemas.openid.net/secevent/risc/event-type/account-disabled'], description: 'd' });
    const created = (await createdResponse.clone().json()) as { stream_id: string };
    await expectDocumented('POST', '/ssf/stream', createdResponse, 201);
    const id = created.stream_id;
    await expectDocumented('POST', '/ssf/stream', await call('POST', '/ssf/stream', { delivery: { method: 'urn:example' } }), 400);
    await expectDocumented('POST', '/ssf/stream', await call('POST', '/ssf/stream', {}, { 'content-type': 'application/json' }), 401);
    await expectDocumented('POST', '/ssf/stream', await call('POST', '/ssf/stream', {}, { ...auth, 'content-type': 'text/plain' }), 415);
    await expectDocumented('GET', '/ssf/stream', await call('GET', `/ssf/stream?stream_id=${id}`), 200);
    await expectDocumented('GET', '/ssf/stream', await call('GET', '/ssf/stream'), 200);
    await expectDocumented('GET', '/ssf/stream', await call('GET', '/ssf/stream?stream_id=nope'), 404);
    await expectDocumented('PATCH', '/ssf/stream', await call('PATCH', '/ssf/stream', { stream_id: id, description: 'e' }), 200);
    await expectDocumented('PUT', '/ssf/stream', await call('PUT', '/ssf/stream', { stream_id: id }), 200);
    await expectDocumented('GET', '/ssf/status', await call('GET', `/ssf/status?stream_id=${id}`), 200);
    await expectDocumented('POST', '/ssf/status', await call('POST', '/ssf/status', { stream_id: id, status: 'paused', reason: 'r' }), 200);
    await expectDocumented('POST', '/ssf/status', await call('POST', '/ssf/status', { stream_id: id, status: 'on' }), 400);
    await call('POST', '/ssf/status', { stream_id: id, status: 'enabled' });
    await expectDocumented('POST', '/ssf/subjects/add', await call('POST', '/ssf/subjects/add', { stream_id: id, subject: { format: 'email', email: 'a@b.example' } }), 200);
    await expectDocumented('POST', '/ssf/subjects/remove', await call('POST', '/ssf/subjects/remove', { stream_id: id, subject: { format: 'email', email: 'a@b.example' } }), 204);
    await expectDocumented('POST', '/ssf/verify', await call('POST', '/ssf/verify', { stream_id: id, state: 's' }), 204);
    await expectDocumented('POST', '/ssf/poll/{streamId}', await call('POST', `/ssf/poll/${id}`, { returnImmediately: true }), 200);
    await expectDocumented('POST', '/ssf/poll/{streamId}', await call('POST', `/ssf/poll/${id}`, { maxEvents: -1 }), 400);
    await expectDocumented('DELETE', '/ssf/stream', await call('DELETE', `/ssf/stream?stream_id=${id}`), 204);
  });

  it('userinfo → 200 UserInfo or 401; signed_in → 200 HTML or 302; sign_out → 302 to rd or 200 HTML', async () => {
    const { h, jar } = await signedIn();
    await expectDocumented('GET', '/oauth2/userinfo', await h.request('/oauth2/userinfo', { cookies: jar }), 200);
    await expectDocumented('GET', '/oauth2/userinfo', await h.request('/oauth2/userinfo'), 401);
    await expectDocumented('GET', '/oauth2/signed_in', await h.request('/oauth2/signed_in', { cookies: jar }), 200);
    await expectDocumented('GET', '/oauth2/signed_in', await h.request('/oauth2/signed_in'), 302);
    await expectDocumented('POST', '/oauth2/sign_out', await h.request('/oauth2/sign_out?rd=/bye', { method: 'POST', cookies: jar }), 302);
    await expectDocumented('GET', '/oauth2/sign_out', await h.request('/oauth2/sign_out'), 200);
  });

  it('the checker holds /oauth2 responses to the contract (a 202 without identity headers fails)', async () => {
    const bare = await check('GET', '/oauth2/auth', new Response(null, { status: 202, headers: { 'Cache-Control': 'no-store' } }));
    expect(bare.problems).toEqual([
      'header X-Auth-Request-User is documented but missing',
      'header X-Auth-Request-Preferred-Username is documented but missing',
      'header X-Auth-Request-Groups is documented but missing',
    ]);
    const badInfo = await check('GET', '/oauth2/userinfo', Response.json({ user: 'a', groups: 'x' }, { headers: { 'Cache-Control': 'no-store' } }));
    expect(badInfo.problems.join('\n')).toMatch(/must have required property 'email'[\s\S]*body\/groups must be array/);
  });
});
