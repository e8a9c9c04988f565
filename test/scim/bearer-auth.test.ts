import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerAuthenticator, ScimAuthError, type ScimAuthEnv } from '../../src/scim/bearer-auth.js';
import { SCIM_ERROR_SCHEMA, ScimError } from '../../src/scim/protocol/errors.js';
import { openStore, type Store } from '../../src/store/connection.js';
import { createTokenService, type TokenService } from '../../src/tokens/token-service.js';

let store: Store;
let tokens: TokenService;
let token: string;

/** A stand-in for the app's renderer: SCIM body plus any headers the error carries. */
function testApp(verifier: Pick<TokenService, 'verify'>) {
  const app = new Hono<ScimAuthEnv>();
  const authenticate = bearerAuthenticator(verifier);
  app.get('/scim/v2/Users', (c) => {
    authenticate(c);
    return c.json({ caller: c.var.scimToken.name });
  });
  app.onError((error, c) => {
    if (!(error instanceof ScimError)) throw error;
    const headers = error instanceof ScimAuthError ? error.headers : {};
    return c.json(error.toJSON(), error.status as 401, { ...headers, 'Content-Type': 'application/scim+json' });
  });
  return app;
}

const get = (authorization?: string) =>
  testApp(tokens).request('/scim/v2/Users', authorization === undefined ? {} : { headers: { Authorization: authorization } });

beforeEach(() => {
  store = openStore(':memory:');
  tokens = createTokenService({ db: store.db, sqlite: store.sqlite, commits: store.commits, writes: store.writes });
  token = tokens.create('entra').token;
});
afterEach(() => store.close());

async function expect401(res: Response, detail: RegExp, challenge: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toBe(challenge);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '401', detail: expect.stringMatching(detail) });
  return body;
}

const REALM_ONLY = 'Bearer realm="scimgate"';
const INVALID_TOKEN = 'Bearer realm="scimgate", error="invalid_token"';

describe('RFC 6750 bearer authentication on /scim/v2', () => {
  it('passes a valid token and exposes its record', async () => {
    const res = await get(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ caller: 'entra' });
  });

  it('accepts the scheme in any case (RFC 9110 §11.1)', async () => {
    expect((await get(`bearer ${token}`)).status).toBe(200);
    expect((await get(`BEARER ${token}`)).status).toBe(200);
  });

  it('tolerates several spaces after the scheme', async () => {
    expect((await get(`Bearer   ${token}`)).status).toBe(200);
  });

  it('missing Authorization → 401 with a realm-only challenge (§3.1: no error code)', async () => {
    await expect401(await get(), /Authorization header/, REALM_ONLY);
  });

  it('Basic scheme → 401, realm-only challenge', async () => {
    await expect401(await get(`Basic ${Buffer.from(`u:${token}`).toString('base64')}`), /scheme must be Bearer/, REALM_ONLY);
  });

  it('a bare token without a scheme → 401', async () => {
    await expect401(await get(token), /scheme must be Bearer/, REALM_ONLY);
  });

  it('empty bearer token → 401', async () => {
    await expect401(await get('Bearer '), /empty/, REALM_ONLY);
  });

  it('wrong token → 401 invalid_token', async () => {
    // Change the last character to a different one: appending a fixed letter flaked whenever the
    // random token already ended in it (1 run in 64).
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await expect401(await get(`Bearer ${wrong}`), /invalid or has been revoked/, INVALID_TOKEN);
  });

  it('revoked token → 401 invalid_token on the very next request', async () => {
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    tokens.revoke('entra');
    await expect401(await get(`Bearer ${token}`), /invalid or has been revoked/, INVALID_TOKEN);
  });

  it('a token with an inner space is rejected without a lookup', async () => {
    const verify = vi.fn(tokens.verify);
    const res = await testApp({ verify }).request('/scim/v2/Users', { headers: { Authorization: `Bearer ${token} extra` } });
    await expect401(res, /invalid/, INVALID_TOKEN);
    expect(verify).not.toHaveBeenCalled();
  });

  it('trailing spaces are stripped by HTTP header parsing, so the token still matches', async () => {
    // Fetch and Node's HTTP parser trim optional whitespace around header values (RFC 9110 §5.5).
    expect((await get(`Bearer ${token}   `)).status).toBe(200);
  });

  it('never puts the presented token in the response', async () => {
    const wrong = 'scimgate_this-is-not-a-real-token-at-all-0000000000';
    const res = await get(`Bearer ${wrong}`);
    expect(await res.text()).not.toContain(wrong);
  });

  it('throws a ScimAuthError with a stable code', async () => {
    const app = new Hono<ScimAuthEnv>();
    const authenticate = bearerAuthenticator(tokens);
    app.get('/', (c) => {
      authenticate(c);
      return c.text('ok');
    });
    const codes: string[] = [];
    app.onError((error, c) => {
      if (error instanceof ScimAuthError) codes.push(error.code);
      return c.text('', 401);
    });
    await app.request('/');
    await app.request('/', { headers: { Authorization: 'Basic x' } });
    await app.request('/', { headers: { Authorization: 'Bearer' } });
    await app.request('/', { headers: { Authorization: 'Bearer nope' } });
    expect(codes).toEqual(['token-missing', 'scheme-not-bearer', 'token-empty', 'token-invalid']);
  });
});
