// The admin API through the real app: its own bearer token (never the SCIM one), clear JSON
// refusals, and explanations of decisions over the live directory and the current routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRoutePolicy } from '../../../src/access/policy/index.js';
import { ACCOUNTS, ALICE, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { createResponseChecker } from '../../support/openapi-responses.js';
import { loadOpenApi } from '../../support/openapi-routes.js';
import { ADMIN_TOKEN, createHarness, REDIRECT_URIS, type Harness } from '../http/harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const ROUTES = [
  { host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Staff'] },
  { host: 'app.example.com', pathPrefix: '/admin', allowedGroups: ['Admins'] },
  { host: 'app.example.com', pathPrefix: '/mfa', policy: { allow: { and: [{ groups: { has: 'Staff' } }, { 'claim/amr': 'mfa' }, { session_age: '8h' }] } } },
];

describe('admin API authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(op, { config: { routes: ROUTES } });
  });
  const ask = { user: 'nobody', url: 'https://app.example.com/' };

  it('401 without a token, with WWW-Authenticate and a JSON reason', async () => {
    const { status, body, res } = await h.explain(ask, null);
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized', error_description: expect.stringContaining('Bearer') });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scimgate-admin"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('401 invalid_token for a wrong token, also one that shares a long prefix', async () => {
    for (const token of ['x'.repeat(40), `${ADMIN_TOKEN.slice(0, -1)}X`, `${ADMIN_TOKEN}x`]) {
      const { status, body, res } = await h.explain(ask, token);
      expect(status).toBe(401);
      expect(body.error).toBe('invalid_token');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scimgate-admin", error="invalid_token"');
    }
  });

  it('403 insufficient_scope for a SCIM provisioning token: it never opens the admin API', async () => {
    const { status, body } = await h.explain(ask, h.scimToken);
    expect(status).toBe(403);
    expect(body).toEqual({ error: 'insufficient_scope', error_description: expect.stringContaining('SCIM') });
  });

  it('the admin token does not open SCIM either', async () => {
    const res = await h.request('/scim/v2/Users', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(401);
  });

  it('400 invalid_request names the field at fault; 415 for a body that is not JSON', async () => {
    const bad = await h.explain({ user: 'a', url: 'https://app.example.com/', at: 'yesterday', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    expect(bad.body.error_description).toMatch(/at: must be an ISO 8601/);
    expect(bad.body.error_description).toMatch(/unknown key\(s\) extra/);
    const text = await h.request('/admin/v1/policy/explain', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('404 in JSON for an unknown admin endpoint, once authenticated', async () => {
    const res = await h.request('/admin/v1/nothing', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('no admin API without an admin token in the config', async () => {
    const bare = await createHarness(op, { config: { admin: { token: undefined } } });
    expect((await bare.explain(ask)).status).toBe(404);
  });
});

describe('POST /admin/v1/policy/explain', () => {
  let h: Harness;
  let aliceId: string;
  beforeAll(async () => {
    h = await createHarness(op, { config: { routes: ROUTES } });
    aliceId = await h.provision(ALICE);
    await h.group('Staff', [{ value: aliceId }]);
  });

  it('explains an allow by userName and a deny by id, with the routes and the evaluated criteria', async () => {
    const allowed = await h.explain({ user: ALICE.preferredUsername, url: 'https://app.example.com/dash' });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      allow: true,
      user: { id: aliceId, userName: ALICE.preferredUsername, active: true },
      url: 'https://app.example.com/dash',
      method: null,
      routes: [{ host: 'app.example.com', pathPrefix: '/' }],
    });
    const denied = await h.explain({ user: aliceId, url: 'https://app.example.com/admin/users', method: 'post' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ allow: false, method: 'POST', routes: [{ pathPrefix: '/admin' }] });
    expect(JSON.stringify(denied.body.explain)).toContain('Admins');
  });

  it('without a session, claims and session age are unknown: conditional, and on what; given, they decide', async () => {
    const url = 'https://app.example.com/mfa/x';
    const unknown = await h.explain({ user: aliceId, url });
    expect(unknown.body).toMatchObject({ allow: false, decision: 'conditional', dependsOn: ['claim/amr', 'session_age'], reasons: ['conditional'] });
    const leaves = JSON.stringify(unknown.body.explain);
    expect(leaves).toContain('"label":"claim/amr is \\"mfa\\"","value":"unknown","fact":"claim/amr unknown"');
    expect(leaves).toContain('"label":"groups has \\"Staff\\"","value":true');
    const check = createResponseChecker(loadOpenApi());
    expect((await check('POST', '/admin/v1/policy/explain', unknown.res.clone())).problems).toEqual([]);
    expect((await h.explain({ user: aliceId, url, claims: { amr: ['pwd', 'mfa'] }, sessionAge: '1h' })).body).toMatchObject({ decision: 'allow', allow: true, dependsOn: [] });
    expect((await h.explain({ user: aliceId, url, claims: { amr: 'pwd' } })).body).toMatchObject({ decision: 'deny', reasons: ['allow-unmatched'] });
    expect((await h.explain({ user: aliceId, url, claims: {} })).body).toMatchObject({ decision: 'deny' });
    expect((await h.explain({ user: aliceId, url, claims: { amr: 'mfa' } })).body).toMatchObject({ decision: 'conditional', dependsOn: ['session_age'] });
    const bad = await h.explain({ user: aliceId, url, sessionAge: 'a while' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringMatching(/^sessionAge: must be a duration/) } });
  });

  it('an ambiguous path lists every route it could mean', async () => {
    const { body } = await h.explain({ user: aliceId, url: 'https://app.example.com/admin;x/y' });
    expect(body.allow).toBe(false);
    expect(body.routes.map((r: { pathPrefix: string }) => r.pathPrefix).sort()).toEqual(['/', '/admin']);
  });

  it('404 user_not_found and 400 invalid_url / path_ambiguous, each in the JSON error format', async () => {
    expect(await h.explain({ user: 'ghost', url: 'https://app.example.com/' })).toMatchObject({ status: 404, body: { error: 'user_not_found' } });
    expect(await h.explain({ user: aliceId, url: '/relative' })).toMatchObject({ status: 400, body: { error: 'invalid_url' } });
    expect(await h.explain({ user: aliceId, url: 'https://app.example.com/%c0%afadmin' })).toMatchObject({ status: 400, body: { error: 'path_ambiguous' } });
  });

  it('follows a reload: the routes current at the time of the request decide', async () => {
    expect((await h.explain({ user: aliceId, url: 'https://app.example.com/x' })).body.allow).toBe(true);
    const before = h.policies.current();
    const nobody = compileRoutePolicy({ allowedGroups: ['Nobody'] });
    if (!nobody.ok) throw new Error('policy');
    h.policies.replace([{ host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Nobody'], policy: nobody.value }]);
    expect((await h.explain({ user: aliceId, url: 'https://app.example.com/x' })).body.allow).toBe(false);
    h.policies.replace(before.routes);
  });
});
