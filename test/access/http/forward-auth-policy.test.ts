/**
 * Route policies through the real app (`app.request` on /oauth2/auth with a signed-in session):
 * an enterprise attribute flips on the very next decision after a SCIM PATCH, a deny on a nested
 * group wins over an allow, and oauth2-proxy's query parameters narrow what the route allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, TENANT_A, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { createHarness, REDIRECT_URIS, type Harness } from './harness.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const ROUTES = [
  {
    host: 'eng.example.com',
    policy: { allow: { and: [{ [`attribute/${ENTERPRISE}:department`]: { is: 'Engineering' } }] } },
  },
  {
    host: 'wiki.example.com',
    policy: { allow: { or: [{ groups: { has: 'Staff' } }] }, deny: { or: [{ groups: { has: 'Contractors' } }] } },
  },
  { host: 'open.example.com' },
  // ID-token claims kept with the session at sign-in: the test provider sends tid and name, never amr.
  { host: 'tenant.example.com', policy: { allow: { and: [{ 'claim/tid': TENANT_A }, { 'claim/name': { starts_with: 'Alice' } }] } } },
  { host: 'other-tenant.example.com', policy: { allow: { and: [{ 'claim/tid': { not_in: [TENANT_A] } }] } } },
  { host: 'mfa.example.com', policy: { allow: { and: [{ 'claim/amr': 'mfa' }] } } },
  { host: 'no-mfa.example.com', policy: { allow: { and: [{ 'claim/amr': { not_in: ['mfa'] } }] } } },
];

async function signedIn(h: Harness) {
  const { jar } = await h.signInAs(ALICE);
  h.peer.address = '127.0.0.1';
  return (host: string, query = '') =>
    h.request(`/oauth2/auth${query}`, { cookies: jar, headers: { 'x-original-url': `https://${host}/x` } }).then((res) => res.status);
}

describe('forward auth under route policies', () => {
  it('claim/<name> reads the ID-token claims the session kept; an absent claim is false (fail-closed), not_in too', async () => {
    const h = await createHarness(op, { config: { routes: ROUTES } });
    await h.provision(ALICE);
    const ask = await signedIn(h);
    expect(await ask('tenant.example.com')).toBe(202);
    expect(await ask('other-tenant.example.com')).toBe(403);
    expect(await ask('mfa.example.com')).toBe(403);
    expect(await ask('no-mfa.example.com')).toBe(403);
    expect(h.lines.some((line) => line.msg === 'access denied' && JSON.stringify(line.why).includes('amr absent from the session'))).toBe(true);
  });

  it('an enterprise attribute flips 202 → 403 on the very next request after a SCIM PATCH', async () => {
    const h = await createHarness(op, { config: { routes: ROUTES } });
    const alice = await h.provision(ALICE, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE], [ENTERPRISE]: { department: 'Engineering' } });
    const ask = await signedIn(h);
    expect(await ask('eng.example.com')).toBe(202);
    expect(await ask('eng.example.com')).toBe(202); // the identity is now remembered
    const patched = await h.scim('PATCH', `/Users/${alice}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' }],
    });
    expect(patched.status).toBe(200);
    expect(await ask('eng.example.com')).toBe(403);
    expect(h.lines.some((line) => line.msg === 'access denied' && JSON.stringify(line.why).includes('department'))).toBe(true);
  });

  it('a deny on a nested group wins over an allow', async () => {
    const h = await createHarness(op, { config: { routes: ROUTES } });
    const alice = await h.provision(ALICE);
    await h.group('Staff', [{ value: alice }]);
    const ask = await signedIn(h);
    expect(await ask('wiki.example.com')).toBe(202);
    // Alice joins Vendors, which is itself a member of Contractors: denied through nesting.
    const vendors = await h.group('Vendors', [{ value: alice }]);
    await h.group('Contractors', [{ value: vendors }]);
    expect(await ask('wiki.example.com')).toBe(403);
  });

  it("oauth2-proxy's allowed_groups, allowed_emails and allowed_email_domains each narrow", async () => {
    const h = await createHarness(op, { config: { routes: ROUTES } });
    const alice = await h.provision(ALICE);
    await h.group('Staff', [{ value: alice }]);
    const ask = await signedIn(h);
    const domain = ALICE.email!.split('@')[1]!;
    expect(await ask('open.example.com')).toBe(202);
    expect(await ask('open.example.com', '?allowed_groups=Staff')).toBe(202);
    expect(await ask('open.example.com', '?allowed_groups=Admins')).toBe(403);
    expect(await ask('open.example.com', `?allowed_emails=${encodeURIComponent(ALICE.email!.toUpperCase())}`)).toBe(202);
    expect(await ask('open.example.com', '?allowed_emails=someone@else.example')).toBe(403);
    expect(await ask('open.example.com', `?allowed_email_domains=${domain}`)).toBe(202);
    expect(await ask('open.example.com', `?allowed_email_domains=${domain}&allowed_groups=Admins`)).toBe(403);
    expect(await ask('open.example.com', '?allowed_email_domains=')).toBe(403);
  });
});
