// Sign-in against a real OpenID provider (node-oidc-provider on loopback) issuing Entra-shaped
// tokens: every supported client authentication and tenancy mode completes a login.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient, OidcConfigError } from '../../../src/access/oidc/index.js';
import type { OidcClientConfig } from '../../../src/access/oidc/index.js';
import { startTestProvider, TEST_CLIENTS } from '../../support/oidc-provider.js';
import type { TestProvider } from '../../support/oidc-provider.js';
import { signIn } from '../../support/oidc-sign-in.js';
import { ALICE, REDIRECT_URI, TENANT_A, TENANT_B, TENANTS, ACCOUNTS } from '../../support/oidc-fixtures.js';

let op: TestProvider;
let dir: string;

beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: [REDIRECT_URI] });
  dir = mkdtempSync(join(tmpdir(), 'scimgate-oidc-'));
});
afterAll(async () => {
  await op.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = (overrides: Partial<OidcClientConfig>): OidcClientConfig => ({
  issuer: op.issuer(TENANT_A),
  clientId: TEST_CLIENTS.secretBasic.clientId,
  clientAuth: { method: 'client_secret_basic', secret: TEST_CLIENTS.secretBasic.secret },
  redirectUri: REDIRECT_URI,
  allowInsecureHttpIssuer: true,
  ...overrides,
});

async function login(config: OidcClientConfig, account = ALICE) {
  const rp = await createOidcClient(config);
  const { authorizationUrl, pending } = await rp.startLogin({ returnTo: '/app' });
  const callback = await signIn(authorizationUrl, { login: account.login });
  return rp.finishLogin(callback, pending);
}

describe('OIDC sign-in against an Entra-shaped provider', () => {
  it('single tenant with client_secret_basic yields the Entra identity', async () => {
    const result = await login(base({}));
    expect(result).toEqual({
      ok: true,
      identity: expect.objectContaining({
        issuer: op.issuer(TENANT_A),
        tid: TENANT_A,
        oid: ALICE.oid,
        sub: ALICE.login,
        email: ALICE.email,
        preferredUsername: ALICE.preferredUsername,
        name: ALICE.name,
      }),
    });
  });

  it('the authorization request always carries PKCE S256, state and nonce', async () => {
    const rp = await createOidcClient(base({}));
    const { authorizationUrl, pending } = await rp.startLogin({ returnTo: '/x' });
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBe(pending.state);
    expect(params.get('nonce')).toBe(pending.nonce);
    expect(params.get('scope')).toBe('openid profile email');
    expect(pending.returnTo).toBe('/x');
  });

  it('client_secret_post', async () => {
    const result = await login(
      base({ clientId: TEST_CLIENTS.secretPost.clientId, clientAuth: { method: 'client_secret_post', secret: TEST_CLIENTS.secretPost.secret } }),
    );
    expect(result.ok).toBe(true);
  });

  it('a provider signing ID tokens with ES256: accepted when configured, refused under the RS256 default', async () => {
    const es256 = { clientId: TEST_CLIENTS.es256.clientId, clientAuth: { method: 'client_secret_basic' as const, secret: TEST_CLIENTS.es256.secret } };
    const accepted = await login(base({ ...es256, idTokenAlg: 'ES256' }));
    expect(accepted).toEqual({ ok: true, identity: expect.objectContaining({ oid: ALICE.oid, tid: TENANT_A }) });
    const refused = await login(base(es256));
    expect(refused).toEqual(expect.objectContaining({ ok: false, code: 'unsupported_algorithm', reason: expect.stringMatching(/alg/i) }));
    // And the other way round: an RS256 client does not accept what it was not configured for.
    expect(await login(base({ idTokenAlg: 'ES256' }))).toEqual(expect.objectContaining({ ok: false, code: 'unsupported_algorithm' }));
  });

  it('an ID-token algorithm outside the asymmetric list is a configuration error, not a weaker check', async () => {
    for (const alg of ['none', 'HS256']) {
      await expect(createOidcClient(base({ idTokenAlg: alg as never }))).rejects.toThrow(/idTokenAlg: must be one of RS256/);
    }
  });

  it('private_key_jwt with a PEM key', async () => {
    const result = await login(
      base({ clientId: TEST_CLIENTS.privateKeyJwt.clientId, clientAuth: { method: 'private_key_jwt', key: op.privateKeyJwtPem, kid: 'pkjwt' } }),
    );
    expect(result.ok).toBe(true);
  });

  it('Entra workload identity: the federated token file is read fresh at every token request', async () => {
    const path = join(dir, 'azure-identity-token');
    const config = base({ clientId: TEST_CLIENTS.federated.clientId, clientAuth: { method: 'federated_token_file', path } });
    writeFileSync(path, await op.mintFederatedToken(TENANT_A));
    expect((await login(config)).ok).toBe(true);
    // The platform rotates the file; a second sign-in must use the new token (jti replay would refuse the old one).
    writeFileSync(path, await op.mintFederatedToken(TENANT_A));
    expect((await login(config)).ok).toBe(true);
  });

  it('multi-tenant (/common): issuer checked against the {tenantid} template, tid allow-listed', async () => {
    op.setCommonTenant(TENANT_B);
    const rp = await createOidcClient(base({ issuer: op.commonIssuer, allowedTenants: [TENANT_A, TENANT_B] }));
    expect(rp.multiTenant).toBe(true);
    expect(rp.issuer).toBe(`${op.origin}/{tenantid}/v2.0`);
    const { authorizationUrl, pending } = await rp.startLogin({ returnTo: '/' });
    const result = await rp.finishLogin(await signIn(authorizationUrl, { login: 'bob' }), pending);
    expect(result).toMatchObject({ ok: true, identity: { issuer: op.issuer(TENANT_B), tid: TENANT_B } });
  });

  it('multi-tenant with private_key_jwt: the assertion is addressed to the token endpoint, not the template', async () => {
    op.setCommonTenant(TENANT_A);
    const result = await login(
      base({
        issuer: op.commonIssuer,
        allowedTenants: [TENANT_A],
        clientId: TEST_CLIENTS.privateKeyJwt.clientId,
        clientAuth: { method: 'private_key_jwt', key: op.privateKeyJwtPem, kid: 'pkjwt' },
      }),
    );
    expect(result).toMatchObject({ ok: true, identity: { tid: TENANT_A, oid: ALICE.oid } });
  });

  it('multi-tenant without an allow-list is a configuration error', async () => {
    await expect(createOidcClient(base({ issuer: op.commonIssuer }))).rejects.toBeInstanceOf(OidcConfigError);
  });

  it('an http issuer needs the named insecure opt-in', async () => {
    await expect(createOidcClient(base({ allowInsecureHttpIssuer: false }))).rejects.toMatchObject({ code: 'invalid_config' });
  });
});
