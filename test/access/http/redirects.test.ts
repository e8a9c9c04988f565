// Open-redirect attempts on /oauth2/start and /oauth2/sign_out `rd` fall back to safe targets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { cookieOf, createHarness, pendingSetCookie, REDIRECT_URIS } from './harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const ATTACKS = ['//evil.com', '/\\evil.com', '/%2f%2fevil.com', 'https://evil.com/', 'javascript:alert(1)', 'https://localhost:8080@evil.com/', '/%09/evil.com', 'https://app.example.com.evil.com/'];

describe('redirect safety on rd', () => {
  it('start: hostile rd values land on the signed-in page instead', async () => {
    const h = await createHarness(op, { config: { redirects: { allowedDomains: ['app.example.com'] } } });
    for (const rd of ATTACKS) {
      const start = await h.request(`/oauth2/start?rd=${encodeURIComponent(rd)}`);
      expect(h.seal.open(cookieOf(pendingSetCookie(start)))?.returnTo, rd).toBe('/oauth2/signed_in');
    }
  });

  it('start → callback honours an allowed absolute rd', async () => {
    const h = await createHarness(op, { config: { redirects: { allowedDomains: ['app.example.com'] } } });
    await h.provision(ALICE);
    const { res } = await h.signInAs(ALICE, 'https://app.example.com/dash?x=1');
    expect(res.headers.get('location')).toBe('https://app.example.com/dash?x=1');
  });

  it('sign_out: hostile rd values show the signed-out page', async () => {
    const h = await createHarness(op);
    for (const rd of ATTACKS) {
      const res = await h.request(`/oauth2/sign_out?rd=${encodeURIComponent(rd)}`);
      expect(res.status, rd).toBe(200);
      expect(res.headers.get('location')).toBeNull();
    }
  });
});

describe('sign-in disabled', () => {
  it('/oauth2/* answers 404 saying sign-in is not configured', async () => {
    const { createTestScimApp } = await import('../../support/scim-app.js');
    const { app } = createTestScimApp();
    const res = await app.request('http://scimgate.test/oauth2/start');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/Sign-in is not configured/);
  });
});
