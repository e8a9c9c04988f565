// Issue 13's acceptance with real parts: nginx `auth_request` asks the built scimgate about every
// request of a headless Chromium signed in through a real OpenID provider. A route gated by an
// enterprise attribute flips on the very next request after a SCIM PATCH; a deny on a nested
// group beats an allow; a SIGHUP reload changes an answer without a restart while requests keep
// flowing, none of them failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../support/oidc-provider.js';
import { startGate } from './support/gate.js';
import type { Gate } from './support/gate.js';

const TENANT = '7e57e2e0-0000-4000-8000-00000000e2e1';
const FRAN: TestAccount = {
  login: 'fran',
  oid: '7e57e2e0-0000-4000-8000-0000000f2a00',
  email: 'fran@e2e.example',
  name: 'Fran Policy',
  preferredUsername: 'fran@e2e.example',
};
const SCIM_TOKEN = 'e2e-scim-token-policy-0123456789abcdef0123456789';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ROUTES: Record<string, unknown>[] = [
  { pathPrefix: '/eng', policy: { allow: { and: [{ [`attribute/${ENTERPRISE}:department`]: 'Engineering' }] } } },
  {
    pathPrefix: '/staff-only',
    policy: { allow: { and: [{ authenticated_user: true }] }, deny: { or: [{ groups: { has: 'e2e-contractors' } }] } },
  },
  { pathPrefix: '/reload', allowedGroups: ['e2e-vendors'] },
];

describe('Issue 13 end to end: policies over the live directory behind nginx', () => {
  let gate: Gate;
  let userId: string;
  let vendorsId: string;
  let contractorsId: string;

  beforeAll(async () => {
    gate = await startGate({ name: 'policy', tenant: TENANT, accounts: [FRAN], scimToken: SCIM_TOKEN, routes: ROUTES });
    const { scim } = gate;
    userId = await scim.createUser({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: FRAN.preferredUsername,
      externalId: FRAN.oid,
      active: true,
      displayName: FRAN.name,
      emails: [{ value: FRAN.email, type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'Engineering' },
    });
    // Fran is a contractor only through nesting: Vendors ⊂ Contractors.
    vendorsId = await scim.createGroup('e2e-vendors', [{ value: userId, type: 'User' }]);
    contractorsId = await scim.createGroup('e2e-contractors', []);
  });

  afterAll(async () => {
    await gate?.stop();
  });

  const logs = (): string => gate.logs();
  const status = (path: string) => gate.status(path);

  it('signs in through nginx at the provider', async () => {
    await gate.signIn(FRAN);
    expect(gate.browser.page.url(), logs()).toBe(`${gate.nginx.origin}/`);
  });

  it('department is Engineering: 202 → 403 on the very next request after a SCIM PATCH of the department', async () => {
    expect(await status('/eng/board'), logs()).toBe(200);
    await gate.scim.patch(`/Users/${userId}`, [{ op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Sales' }]);
    expect(await status('/eng/board'), logs()).toBe(403);
    await gate.browser.screenshot('13-01-department-changed');
    await gate.scim.patch(`/Users/${userId}`, [{ op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Engineering' }]);
    expect(await status('/eng/board'), logs()).toBe(200);
  });

  it('a deny on a nested group wins over an allow', async () => {
    expect(await status('/staff-only/'), logs()).toBe(200);
    await gate.scim.patch(`/Groups/${contractorsId}`, [{ op: 'Add', path: 'members', value: [{ value: vendorsId, type: 'Group' }] }]);
    expect(await status('/staff-only/'), logs()).toBe(403);
    await gate.browser.screenshot('13-02-nested-deny');
    // Only the deny rule's route is affected.
    expect(await status('/eng/board'), logs()).toBe(200);
  });

  it('SIGHUP reloads routes without a restart and without failing a request under load', async () => {
    expect(await status('/reload/x'), logs()).toBe(200);
    const cookies = await gate.browser.context.cookies(gate.nginx.origin);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const { scimgate, nginx } = gate;
    const pid = scimgate.child.process.pid;

    let stop = false;
    const outcomes = { ok: 0, other: new Map<string, number>() };
    const note = (key: string) => outcomes.other.set(key, (outcomes.other.get(key) ?? 0) + 1);
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${nginx.origin}/eng/load`, { headers: { cookie }, redirect: 'manual' });
          await res.body?.cancel();
          if (res.status === 200) outcomes.ok++;
          else note(`status ${res.status}`);
        } catch (error) {
          note(`error ${(error as Error).message}`);
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    // Let the load run, reload in the middle of it, keep it running until the answer has changed.
    while (outcomes.ok < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    scimgate.writeRoutes(ROUTES.map((r) => (r.pathPrefix === '/reload' ? { pathPrefix: '/reload', allowedGroups: ['e2e-nobody'] } : r)));
    scimgate.child.process.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    let flipped: number | undefined;
    while (Date.now() < deadline) {
      const res = await fetch(`${nginx.origin}/reload/x`, { headers: { cookie }, redirect: 'manual' });
      await res.body?.cancel();
      if (res.status === 403) {
        flipped = res.status;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const okAtReload = outcomes.ok;
    while (outcomes.ok < okAtReload + 50) await new Promise((resolve) => setTimeout(resolve, 20));
    stop = true;
    await Promise.all(workers);

    expect(flipped, logs()).toBe(403);
    expect(scimgate.child.process.pid).toBe(pid);
    expect(scimgate.child.process.exitCode).toBeNull();
    expect(Object.fromEntries(outcomes.other), `${outcomes.ok} OK during the reload\n${logs()}`).toEqual({});
    expect(scimgate.child.output()).toMatch(/config reloaded/);
    expect(await status('/reload/x'), logs()).toBe(403);
  });
});
