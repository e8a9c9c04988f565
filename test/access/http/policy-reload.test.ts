// Replacing the routes while the server runs (what a config reload applies): the next decision
// uses the new routes, remembered answers of the old ones are not reused, and a snapshot taken
// before the swap keeps answering by the routes it was taken with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { compileRoutePolicy } from '../../../src/access/policy/index.js';
import { createHarness, REDIRECT_URIS } from './harness.js';

const admins = compileRoutePolicy({ allowedGroups: ['Admins'] });
if (!admins.ok) throw new Error('policy');

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

describe('routes replaced at run time', () => {
  it('the very next forward-auth answer follows the new routes, both ways', async () => {
    const h = await createHarness(op, { config: { routes: [{ host: 'app.example.com', allowedGroups: ['Staff'] }] } });
    const alice = await h.provision(ALICE);
    await h.group('Staff', [{ value: alice }]);
    const { jar } = await h.signInAs(ALICE);
    h.peer.address = '127.0.0.1';
    const ask = () => h.request('/oauth2/auth', { cookies: jar, headers: { 'x-original-url': 'https://app.example.com/x' } });
    expect((await ask()).status).toBe(202);
    expect((await ask()).status).toBe(202); // now remembered by the auth-target resolver

    const before = h.policies.current();
    h.policies.replace([{ host: 'app.example.com', pathPrefix: '/', allowedGroups: ['Admins'], policy: admins.value }]);
    expect((await ask()).status).toBe(403);

    // A decision that took its snapshot before the swap finishes on it.
    const url = new URL('https://app.example.com/x');
    const old = before.policyFor(url, '');
    const now = h.policies.current().policyFor(url, '');
    expect(old.ok && old.value.require.map((r) => r.node.label)).toEqual(['groups in ["Staff"]']);
    expect(now.ok && now.value.require.map((r) => r.node.label)).toEqual(['groups in ["Admins"]']);
    expect(h.policies.current().version).toBe(before.version + 1);

    h.policies.replace(before.routes);
    expect((await ask()).status).toBe(202);
  });
});
