// Issue 4's acceptance, with real parts: nginx `auth_request` in front of an upstream app asks
// scimgate (built, as a child process) on every request; headless Chromium signs in through a
// real OpenID provider's login page; SCIM changes (group removal, Entra's `active: "False"`)
// change the browser's very next request. The steps share one browser, so they run in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../support/oidc-provider.js';
import { signInAtProvider } from './support/provider-login.js';
import { startGate } from './support/gate.js';
import type { Gate } from './support/gate.js';

const TENANT = '7e57e2e0-0000-4000-8000-00000000e2e0';
const ERIN: TestAccount = {
  login: 'erin',
  oid: '7e57e2e0-0000-4000-8000-0000000e2100',
  email: 'erin@e2e.example',
  name: 'Erin Endtoend',
  preferredUsername: 'erin@e2e.example',
};
/** Required by nginx's /admin/ auth subrequest (`allowed_groups=`); holds ONCALL_GROUP. */
const ADMIN_GROUP = 'e2e-admins';
/** Holds the user directly; required for /ops by a route in scimgate's config file. */
const ONCALL_GROUP = 'e2e-oncall';
const SCIM_TOKEN = 'e2e-scim-token-0123456789abcdef0123456789abcdef';

describe('Issue 4 end to end: nginx auth_request + Chromium + OpenID provider + SCIM', () => {
  let gate: Gate;
  let userId: string;
  let innerGroupId: string;
  let outerGroupId: string;
  let op: Gate['op'];
  let nginx: Gate['nginx'];
  let browser: Gate['browser'];
  let scim: Gate['scim'];

  beforeAll(async () => {
    gate = await startGate({
      name: 'forward-auth',
      tenant: TENANT,
      accounts: [ERIN],
      scimToken: SCIM_TOKEN,
      routes: [{ pathPrefix: '/ops', allowedGroups: [ONCALL_GROUP] }],
      adminGroup: ADMIN_GROUP,
    });
    ({ op, nginx, browser, scim } = gate);

    // Provisioned as Entra would: externalId is the account's object id; admin rights come
    // only through a nested group, so the decision must follow the closure.
    userId = await scim.createUser({
      userName: ERIN.preferredUsername,
      externalId: ERIN.oid,
      active: true,
      displayName: ERIN.name,
      emails: [{ value: ERIN.email, type: 'work', primary: true }],
    });
    innerGroupId = await scim.createGroup(ONCALL_GROUP, [{ value: userId, type: 'User' }]);
    outerGroupId = await scim.createGroup(ADMIN_GROUP, [{ value: innerGroupId, type: 'Group' }]);
  });

  afterAll(async () => {
    await gate?.stop();
  });
  const groupsShown = async (): Promise<string[]> =>
    ((await browser.page.locator('#x-groups').textContent()) ?? '').split(',').map((g) => g.trim()).filter(Boolean);

  const sessionCookie = async (): Promise<{ name: string; value: string; httpOnly: boolean; sameSite: string; secure: boolean; path: string } | undefined> =>
    (await browser.context.cookies(nginx.origin)).find((c) => c.name === 'scimgate_session');

  /** Every response the page sees from now on, one line each, for a failure message. */
  const responseTrail = (page: typeof browser.page): (() => string) => {
    const seen: string[] = [];
    page.on('response', (r) => seen.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    return () => seen.join('\n');
  };

  const logs = (): string => gate.logs();

  it('sends an anonymous browser through nginx to the provider login page', async () => {
    const { page } = browser;
    // goto follows nginx's 302 to /oauth2/start and scimgate's 302 to the provider.
    await page.goto(`${nginx.origin}/`);
    await browser.screenshot('01-login-page');
    expect(new URL(page.url()).origin, `ended at ${page.url()}\n${logs()}`).toBe(op.origin);
    await expect(page.locator('input[name="login"]').count()).resolves.toBe(1);
  });

  it('signs in at the provider and lands on the upstream app as the provisioned user', async () => {
    const { page } = browser;
    const backAtApp = (url: URL): boolean => url.origin === nginx.origin && !url.pathname.startsWith('/oauth2/');
    await signInAtProvider(page, { login: ERIN.login, leaving: (url) => url.origin === nginx.origin }).catch(() => undefined);
    await page.waitForURL(backAtApp, { timeout: 10_000 }).catch(() => undefined);
    await browser.screenshot('02-signed-in');
    expect(page.url(), `${await page.content()}\n${logs()}`).toBe(`${nginx.origin}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Upstream app');
    // oauth2-proxy's contract: the directory's userName and e-mail, effective groups by name.
    await expect(page.locator('#x-user').textContent()).resolves.toBe(ERIN.preferredUsername);
    await expect(page.locator('#x-email').textContent()).resolves.toBe(ERIN.email);
    // The cookie carries only a random secret: tiny, HttpOnly, SameSite=Lax (not Secure on http).
    const cookie = await sessionCookie();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    expect(cookie?.value.length).toBeLessThan(100);
  });

  it('lets the user into the group-gated /admin/ through nested membership', async () => {
    const response = await browser.page.goto(`${nginx.origin}/admin/`);
    await browser.screenshot('03-admin-allowed');
    expect(response?.status(), logs()).toBe(200);
    await expect(browser.page.locator('#path').textContent()).resolves.toBe('/admin/');
    await expect(groupsShown()).resolves.toEqual(expect.arrayContaining([ADMIN_GROUP, ONCALL_GROUP]));
    const ops = await browser.page.goto(`${nginx.origin}/ops/`);
    expect(ops?.status(), logs()).toBe(200);
  });

  it('keeps strangers out: without the session cookie nginx redirects to sign-in', async () => {
    const res = await fetch(`${nginx.origin}/admin/`, { redirect: 'manual' });
    await res.body?.cancel();
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/oauth2/start?rd=/admin/');
  });

  it('refuses /admin/ (403) on the very next request after the nested group is removed, while / still works', async () => {
    await scim.patch(`/Groups/${outerGroupId}`, [{ op: 'Remove', path: `members[value eq "${innerGroupId}"]` }]);
    const admin = await browser.page.goto(`${nginx.origin}/admin/`);
    await browser.screenshot('04-admin-forbidden');
    expect(admin?.status(), logs()).toBe(403);
    // Still signed in, still in the inner group directly: the config-file route lets them in.
    const ops = await browser.page.goto(`${nginx.origin}/ops/`);
    expect(ops?.status(), logs()).toBe(200);
    await expect(browser.page.locator('#x-user').textContent()).resolves.toBe(ERIN.preferredUsername);
    await expect(groupsShown()).resolves.toEqual([ONCALL_GROUP]);
    const home = await browser.page.goto(`${nginx.origin}/`);
    expect(home?.status(), logs()).toBe(200);
  });

  it('signs out server-side: the old cookie stops working and signing in again makes a new session', async () => {
    const { page } = browser;
    const before = await sessionCookie();
    expect(before, logs()).toBeDefined();
    const trail = responseTrail(page);
    // rd=/ goes back through nginx: 401 → sign-in, where the provider's own session returns at once.
    await page.goto(`${nginx.origin}/oauth2/sign_out?rd=/`);
    if (new URL(page.url()).origin === op.origin) {
      await signInAtProvider(page, { login: ERIN.login, leaving: (url) => url.origin === nginx.origin });
    }
    await page.waitForURL(`${nginx.origin}/`).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nended at ${page.url()}\n${trail()}\n${await page.content()}\n${logs()}`);
    });
    await expect(page.locator('#x-user').textContent()).resolves.toBe(ERIN.preferredUsername);
    const after = await sessionCookie();
    expect(after?.value).toBeDefined();
    expect(after?.value).not.toBe(before?.value);
    const replayed = await fetch(`${nginx.origin}/`, { redirect: 'manual', headers: { cookie: `scimgate_session=${before?.value}` } });
    await replayed.body?.cancel();
    expect(replayed.status).toBe(302);
    expect(replayed.headers.get('location')).toBe('/oauth2/start?rd=/');
  });

  it('refuses the browser\'s next request after Entra sets active "False", and sign-in then fails as inactive', async () => {
    await scim.patch(`/Users/${userId}`, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const { page } = browser;
    const responses: { url: string; status: number }[] = [];
    page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
    await page.goto(`${nginx.origin}/`);
    // The session was revoked, so nginx sent the browser to sign in again. The provider still
    // knows the browser and usually comes straight back; if it asks again, sign in again.
    if (new URL(page.url()).origin === op.origin) {
      await signInAtProvider(page, { login: ERIN.login, leaving: (url) => url.origin === nginx.origin });
    }
    await page.waitForLoadState();
    await browser.screenshot('05-deactivated');
    const trail = responses.map((r) => `${r.status} ${r.url}`).join('\n');
    expect(responses[0], trail).toMatchObject({ url: `${nginx.origin}/`, status: 302 });
    expect(responses.some((r) => r.url.startsWith(`${nginx.origin}/oauth2/start`)), trail).toBe(true);
    // …and the callback refuses the deactivated user with the 403 page saying why.
    const callback = responses.find((r) => r.url.startsWith(`${nginx.origin}/oauth2/callback`));
    expect(callback?.status, `${trail}\n${logs()}`).toBe(403);
    expect(new URL(page.url()).pathname).toBe('/oauth2/callback');
    await expect(page.locator('body').textContent()).resolves.toMatch(/disabled|inactive|deactivated/i);
    await expect(page.locator('h1').textContent()).resolves.not.toBe('Upstream app');
  });

  // Found by this suite: while a sign-in is under way, another request that hits 401 in the same
  // browser (a second tab, an SPA's poll, a favicon) runs its own /oauth2/start. The pending-login
  // cookie keeps the few newest logins keyed by state, so the first tab's callback still succeeds.
  it('two tabs signing in at once: the first tab still lands on its page', async () => {
    await scim.patch(`/Users/${userId}`, [{ op: 'Replace', path: 'active', value: true }]);
    await browser.context.clearCookies();
    const { page } = browser;
    await page.goto(`${nginx.origin}/`);
    expect(new URL(page.url()).origin).toBe(op.origin);
    const second = await browser.context.newPage();
    try {
      await second.goto(`${nginx.origin}/ops/`);
      await signInAtProvider(page, { login: ERIN.login, leaving: (url) => url.origin === nginx.origin });
      await page.waitForLoadState();
      await browser.screenshot('06-two-tabs');
      expect(page.url()).toBe(`${nginx.origin}/`);
    } finally {
      await second.close();
    }
  });
});
