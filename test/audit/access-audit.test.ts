/**
 * The audit rows of the access gate, through the real app and the in-process OpenID provider:
 * sign-in success (written with its session), refused sign-ins with their codes, sign-out and
 * deprovisioning revocations, and policy denies (sampled: one per user and route a minute).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainVerifier } from '../../src/audit/index.js';
import { ACCOUNTS, ALICE, TENANTS } from '../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { createHarness, REDIRECT_URIS } from '../access/http/harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('audit: sign-in and sessions', () => {
  it('a sign-in leaves signin.succeeded with the user, the session and the request id', async () => {
    const h = await createHarness(op);
    const alice = await h.provision(ALICE);
    const { res } = await h.signInAs(ALICE);
    expect(res.status).toBe(302);
    const row = h.audit().find((r) => r.type === 'signin.succeeded');
    expect(row).toMatchObject({ userId: alice, actor: ALICE.preferredUsername, requestId: res.headers.get('X-Request-Id'), data: { subject: ALICE.login } });
    expect(typeof row?.data.sessionId).toBe('string');
  });

  it('a refused sign-in (not provisioned) leaves signin.failed with its code; a flood of them one row a minute with a count', async () => {
    const h = await createHarness(op);
    for (let i = 0; i < 3; i++) {
      const { res } = await h.signInAs(ALICE);
      expect(res.status).toBe(403);
    }
    const failed = h.audit().filter((r) => r.type === 'signin.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ data: { code: 'not_provisioned', subject: ALICE.login } });
    h.advance(60_000);
    const after = h.audit().filter((r) => r.type === 'signin.failed');
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ data: { code: 'not_provisioned', suppressed: 2 } });
    expect(h.audit().some((r) => r.type === 'signin.succeeded')).toBe(false);
  });

  it('a callback without a pending login leaves signin.failed no_pending_login', async () => {
    const h = await createHarness(op);
    const res = await h.request('/oauth2/callback?state=x&code=y');
    expect(res.status).toBe(400);
    expect(h.audit().filter((r) => r.type === 'signin.failed').map((r) => r.data.code)).toEqual(['no_pending_login']);
  });

  it('refused sign-ins are sampled per client address too: one address\'s flood hides no other\'s; the summary counts, it does not repeat a reason', async () => {
    const h = await createHarness(op);
    h.peer.address = '198.51.100.66';
    for (let i = 0; i < 5; i++) await h.request(`/oauth2/callback?state=x&code=y&n=${i}`);
    h.peer.address = '203.0.113.7';
    expect((await h.request('/oauth2/callback?state=x&code=y')).status).toBe(400);
    const first = h.audit().filter((r) => r.type === 'signin.failed');
    expect(first.map((r) => r.data.ip)).toEqual(['198.51.100.66', '203.0.113.7']);
    h.advance(60_000);
    const summary = h.audit().filter((r) => r.type === 'signin.failed')[2];
    expect(summary?.data).toEqual({ code: first[0]?.data.code, ip: '198.51.100.66', suppressed: 4, windowStart: expect.any(String) });
  });

  it('sign-out and deprovisioning leave session.revoked with their reasons, in the same write as the revocation', async () => {
    const h = await createHarness(op);
    const alice = await h.provision(ALICE);
    const first = await h.signInAs(ALICE);
    await h.request('/oauth2/sign_out?rd=/bye', { cookies: first.jar });
    await h.signInAs(ALICE);
    const deactivated = await h.scim('PATCH', `/Users/${alice}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(deactivated.status).toBe(200);
    const rows = h.audit();
    expect(rows.filter((r) => r.type === 'session.revoked').map((r) => [r.userId, r.data.reason])).toEqual([
      [alice, 'sign-out'],
      [alice, 'user-deactivated'],
    ]);
    // The deactivation's SCIM row and its revocation row are one write: the revocation (a listener inside the directory write) comes first.
    const revokedAt = rows.findIndex((r) => r.type === 'session.revoked' && r.data.reason === 'user-deactivated');
    expect(rows[revokedAt + 1]).toMatchObject({ type: 'scim.write', data: { operation: 'patch', resourceId: alice } });
    const verifier = createChainVerifier();
    for (const row of rows) verifier.add({ ...row, data: row.data === undefined ? null : JSON.stringify(row.data) });
    expect(verifier.finish().problem).toBeUndefined();
  });
});

describe('audit: policy denies', () => {
  const ROUTES = [{ host: 'wiki.example.com', pathPrefix: '/admin', allowedGroups: ['Admins'] }, { host: 'wiki.example.com' }];

  it('a deny leaves policy.denied with user and route; repeats within the minute are counted, not written', async () => {
    const h = await createHarness(op, { config: { routes: ROUTES } });
    const alice = await h.provision(ALICE);
    const { jar } = await h.signInAs(ALICE);
    h.peer.address = '127.0.0.1';
    const ask = (path: string) => h.request('/oauth2/auth', { cookies: jar, headers: { 'x-original-url': `https://wiki.example.com${path}` } }).then((r) => r.status);
    expect(await ask('/page')).toBe(202);
    for (let i = 0; i < 4; i++) expect(await ask(`/admin/x${i}`)).toBe(403);
    const denied = h.audit().filter((r) => r.type === 'policy.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ userId: alice, actor: ALICE.preferredUsername, data: { route: 'wiki.example.com/admin', path: '/admin/x0' } });
    h.advance(61_000);
    expect(h.audit().filter((r) => r.type === 'policy.denied').map((r) => r.data.suppressed)).toEqual([undefined, 3]);
  });
});
