// Attacks on the callback, each against the real test OP: tampered state/nonce/PKCE, foreign and
// lying tenants, and ID tokens forged at the OP's token endpoint. Every one is refused, with a
// stable code that names the check that caught it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient } from '../../../src/access/oidc/index.js';
import type { LoginResult, OidcClientConfig, PendingLogin } from '../../../src/access/oidc/index.js';
import { startTestProvider, TEST_CLIENTS } from '../../support/oidc-provider.js';
import type { Forgery, TestProvider } from '../../support/oidc-provider.js';
import { signIn } from '../../support/oidc-sign-in.js';
import { ACCOUNTS, ALICE, MALLORY, REDIRECT_URI, TENANT_A, TENANT_B, TENANT_FOREIGN, TENANTS, TID_LIAR } from '../../support/oidc-fixtures.js';
import type { TestAccount } from '../../support/oidc-provider.js';

let op: TestProvider;

beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: [REDIRECT_URI] });
});
afterAll(() => op.close());

const singleTenant = (): OidcClientConfig => ({
  issuer: op.issuer(TENANT_A),
  clientId: TEST_CLIENTS.secretBasic.clientId,
  clientAuth: { method: 'client_secret_basic', secret: TEST_CLIENTS.secretBasic.secret },
  redirectUri: REDIRECT_URI,
  allowedTenants: [TENANT_A],
  allowInsecureHttpIssuer: true,
});
const multiTenant = (): OidcClientConfig => ({ ...singleTenant(), issuer: op.commonIssuer, allowedTenants: [TENANT_A, TENANT_B] });

interface Attempt {
  config?: OidcClientConfig;
  account?: TestAccount;
  /** Alters the callback URL or the pending login before finishLogin. */
  tamper?: (callback: URL, pending: PendingLogin) => PendingLogin;
  forge?: { tid: string; forgery: Forgery };
}

async function attempt({ config = singleTenant(), account = ALICE, tamper, forge }: Attempt): Promise<LoginResult> {
  const rp = await createOidcClient(config);
  const { authorizationUrl, pending } = await rp.startLogin({ returnTo: '/app' });
  const callback = new URL(await signIn(authorizationUrl, { login: account.login }));
  if (forge) op.forgeNextIdToken(forge.tid, forge.forgery);
  const finalPending = tamper ? tamper(callback, pending) : pending;
  return rp.finishLogin(callback, finalPending);
}

const refusedWith = (code: string) => expect.objectContaining({ ok: false, code, reason: expect.any(String) });

describe('OIDC callback: tampered authorization response', () => {
  it('state in the callback differs from the pending login', async () => {
    const result = await attempt({ tamper: (callback, pending) => (callback.searchParams.set('state', 'attacker'), pending) });
    expect(result).toEqual(refusedWith('state_mismatch'));
  });

  it('callback from a login started in another browser (pending login of someone else)', async () => {
    const rp = await createOidcClient(singleTenant());
    const other = await rp.startLogin({ returnTo: '/' });
    const result = await attempt({ tamper: () => other.pending });
    expect(result).toEqual(refusedWith('state_mismatch'));
  });

  it('nonce in the ID token differs from the pending login', async () => {
    const result = await attempt({ tamper: (_callback, pending) => ({ ...pending, nonce: 'attacker-nonce' }) });
    expect(result).toEqual(refusedWith('nonce_mismatch'));
  });

  it('PKCE verifier does not match the challenge sent at start', async () => {
    const result = await attempt({ tamper: (_callback, pending) => ({ ...pending, codeVerifier: 'x'.repeat(43) }) });
    expect(result).toEqual(refusedWith('pkce_failed'));
  });

  it('a pending login older than its lifetime is refused', async () => {
    const result = await attempt({ tamper: (_callback, pending) => ({ ...pending, createdAt: pending.createdAt - 11 * 60 * 1000 }) });
    expect(result).toEqual(refusedWith('login_expired'));
  });

  it('a callback URL that does not parse is refused, not thrown', async () => {
    const rp = await createOidcClient(singleTenant());
    const { pending } = await rp.startLogin({ returnTo: '/' });
    expect(await rp.finishLogin('::not a url::', pending)).toEqual(refusedWith('invalid_callback'));
  });

  it('provider error in the callback', async () => {
    const result = await attempt({
      tamper: (callback, pending) => {
        for (const key of [...callback.searchParams.keys()]) if (key === 'code') callback.searchParams.delete(key);
        callback.searchParams.set('error', 'access_denied');
        return pending;
      },
    });
    expect(result).toEqual(refusedWith('access_denied'));
  });
});

describe('OIDC callback: Entra tenants', () => {
  it('single tenant: a token from another issuer is refused', async () => {
    const result = await attempt({ forge: { tid: TENANT_A, forgery: 'wrong_issuer' } });
    expect(result).toEqual(refusedWith('issuer_mismatch'));
  });

  it('multi-tenant: a user of a tenant not on the allow-list is refused', async () => {
    op.setCommonTenant(TENANT_FOREIGN);
    const result = await attempt({ config: multiTenant(), account: MALLORY });
    expect(result).toEqual(refusedWith('tenant_not_allowed'));
  });

  it('multi-tenant: iss of tenant A with tid of allowed tenant B is refused', async () => {
    op.setCommonTenant(TENANT_A);
    const result = await attempt({ config: multiTenant(), account: TID_LIAR });
    expect(result).toEqual(refusedWith('tenant_issuer_mismatch'));
  });

  it('multi-tenant: a forged tid (signed by the OP key) does not move the token to another tenant', async () => {
    op.setCommonTenant(TENANT_A);
    const result = await attempt({ config: multiTenant(), forge: { tid: TENANT_A, forgery: { kind: 'tid', tid: TENANT_B } } });
    expect(result).toEqual(refusedWith('tenant_issuer_mismatch'));
  });

  it('single tenant with an allow-list: a token whose tid is foreign is refused', async () => {
    const result = await attempt({ forge: { tid: TENANT_A, forgery: { kind: 'tid', tid: TENANT_FOREIGN } } });
    expect(result).toEqual(refusedWith('tenant_not_allowed'));
  });
});

describe('OIDC callback: forged ID tokens', () => {
  const cases: Array<[string, Forgery, string]> = [
    ['expired token', 'expired', 'token_expired'],
    ['token for another audience', 'wrong_audience', 'audience_mismatch'],
    ['alg: none', 'alg_none', 'unsupported_algorithm'],
    ['HS256 keyed with the public key bytes', 'hs256_public_key', 'unsupported_algorithm'],
    ["signed by an attacker's key under the OP's kid", 'foreign_key', 'bad_signature'],
  ];
  for (const [name, forgery, code] of cases) {
    it(`single tenant: ${name}`, async () => {
      expect(await attempt({ forge: { tid: TENANT_A, forgery } })).toEqual(refusedWith(code));
    });
    it(`multi-tenant: ${name}`, async () => {
      op.setCommonTenant(TENANT_A);
      expect(await attempt({ config: multiTenant(), forge: { tid: TENANT_A, forgery } })).toEqual(refusedWith(code));
    });
  }

  // The same attacks on a client registered for ES256: the HS256 token is keyed with the EC key.
  const es256 = (): OidcClientConfig => ({
    ...singleTenant(),
    clientId: TEST_CLIENTS.es256.clientId,
    clientAuth: { method: 'client_secret_basic', secret: TEST_CLIENTS.es256.secret },
    idTokenAlg: 'ES256',
  });
  for (const [name, forgery, code] of cases) {
    it(`ES256 client: ${name}`, async () => {
      expect(await attempt({ config: es256(), forge: { tid: TENANT_A, forgery } })).toEqual(refusedWith(code));
    });
  }

  it('an ES256 client signs in with a genuine ES256 token (the forgeries above are the only difference)', async () => {
    expect(await attempt({ config: es256() })).toEqual(expect.objectContaining({ ok: true }));
  });

  it('an ID token past its lifetime by the injected clock is refused', async () => {
    const inTwoHours = () => Date.now() + 2 * 3600 * 1000;
    expect(await attempt({ config: { ...singleTenant(), now: inTwoHours } })).toEqual(refusedWith('token_expired'));
  });
});
