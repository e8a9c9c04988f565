// Sign-in through the /oauth2 routes against the real in-process OP: the happy path to a session
// cookie, cookie hygiene, pending-login handling, and every refused sign-in logged with its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, ALICE, MALLORY, TENANT_A, TENANT_FOREIGN, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { signIn } from '../../support/oidc-sign-in.js';
import { MAX_PENDING_LOGINS, MAX_RETURN_TARGET, PENDING_COOKIE_BUDGET } from '../../../src/access/http/sign-in-routes.js';
import { absorb, cookieOf, createHarness, HTTPS_PUBLIC, pendingCookies, pendingSetCookie, REDIRECT_URIS, setCookieFor } from './harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

describe('OIDC sign-in: /oauth2/start → provider → /oauth2/callback', () => {
  it('a provisioned, active user gets a session cookie and lands on rd', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const { res, jar } = await h.signInAs(ALICE, '/app?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app?x=1');
    const cookie = setCookieFor(res, 'scimgate_session') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    // The pending-login cookie is spent.
    expect(pendingCookies(jar)).toEqual([]);
    const info = await h.request('/oauth2/userinfo', { cookies: jar });
    expect(info.status).toBe(200);
    expect(await info.json()).toEqual({ user: ALICE.preferredUsername, email: ALICE.email, groups: [], preferredUsername: ALICE.preferredUsername });
  });

  it('https public URL: Secure cookies with the __Host- prefix', async () => {
    const h = await createHarness(op, { publicUrl: HTTPS_PUBLIC });
    await h.provision(ALICE);
    const { start } = await h.startAndLogin(ALICE);
    expect(pendingSetCookie(start)).toMatch(/^__Host-scimgate_login_[\w-]{16}=.*; Secure/);
    const { res } = await h.signInAs(ALICE);
    const cookie = setCookieFor(res, '__Host-scimgate_session') ?? '';
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toMatch(/Domain=/);
  });

  it('no tokens or groups in cookies: the session cookie stays small with 500 groups', async () => {
    const h = await createHarness(op);
    const id = await h.provision(ALICE);
    for (let i = 0; i < 500; i++) await h.group(`Group ${i}`, [{ value: id }]);
    const { res, jar } = await h.signInAs(ALICE);
    const cookies = res.headers.getSetCookie().join('\n');
    expect(cookies).not.toMatch(/eyJ/); // no JWTs
    expect(cookies).not.toMatch(/Group/);
    expect((jar.get('scimgate_session') ?? '').length).toBeLessThan(100);
    const auth = await h.request('/oauth2/auth', { cookies: jar });
    expect(auth.status).toBe(202);
    expect(auth.headers.get('x-auth-request-groups')?.split(',')).toHaveLength(500);
  });

  it(`five /oauth2/start calls leave at most ${MAX_PENDING_LOGINS} pending-login cookies: the newest, each still good`, async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const jar = new Map<string, string>();
    const logins: { callback: string; name: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const { callback, start } = await h.startAndLogin(ALICE, `/x${i}`, jar);
      logins.push({ callback, name: pendingSetCookie(start)?.split('=')[0] ?? '' });
    }
    expect(pendingCookies(jar).map(([name]) => name)).toEqual(logins.slice(-MAX_PENDING_LOGINS).map((l) => l.name));
    // The oldest was dropped: its callback finds no login of its own (the others are still pending).
    const dropped = await h.request(logins[0]?.callback ?? '', { cookies: jar });
    expect(dropped.status).toBe(400);
    expect(h.refusals().at(-1)).toMatchObject({ code: 'state_mismatch' });
    const newest = await h.request(logins[4]?.callback ?? '', { cookies: jar });
    expect(newest.status).toBe(302);
    expect(newest.headers.get('location')).toBe('/x4');
  });

  it('two tabs signing in one after the other: the first tab still completes its login', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const first = await h.startAndLogin(ALICE);
    // A second tab starts another login in the same browser before the first one returns.
    absorb(first.jar, await h.request('/oauth2/start?rd=/other', { cookies: first.jar }));
    expect(pendingCookies(first.jar)).toHaveLength(2);
    const res = await h.request(first.callback, { cookies: first.jar });
    expect(res.status).toBe(302);
    expect(setCookieFor(res, 'scimgate_session')).toBeDefined();
    // Only the spent login's cookie is cleared; the other login is still pending.
    absorb(first.jar, res);
    expect(pendingCookies(first.jar)).toHaveLength(1);
    expect(h.seal.open(pendingCookies(first.jar)[0]?.[1])?.returnTo).toBe('/other');
  });

  // Found in CI: a login started while another start was in flight, both sent with the same
  // cookies. Under one fixed cookie name the later answer overwrote the earlier login's cookie.
  it('two logins started at the same moment (same cookies sent) both complete', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const jar = new Map<string, string>();
    const [a, b] = await Promise.all([h.request('/oauth2/start?rd=/a', { cookies: jar }), h.request('/oauth2/start?rd=/b', { cookies: jar })]);
    if (!a || !b) throw new Error('no answers');
    absorb(jar, a);
    absorb(jar, b);
    for (const [start, rd] of [[a, '/a'], [b, '/b']] as const) {
      const callback = await signIn(start.headers.get('location') ?? '', { login: ALICE.login });
      const res = await h.request(callback, { cookies: jar });
      expect(res.status, rd).toBe(302);
      expect(res.headers.get('location')).toBe(rd);
      absorb(jar, res);
    }
    expect(pendingCookies(jar)).toEqual([]);
  });

  it('a request that is not a page navigation (Sec-Fetch-Dest) starts no login', async () => {
    const h = await createHarness(op);
    for (const destination of ['image', 'empty', 'script', 'style', 'font', '']) {
      const res = await h.request('/oauth2/start?rd=/favicon.ico', { headers: { 'sec-fetch-dest': destination, 'sec-fetch-mode': 'no-cors' } });
      expect(res.status, destination).toBe(401);
      expect(res.headers.getSetCookie(), destination).toEqual([]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toMatch(/navigat/);
    }
    for (const destination of ['document', 'iframe']) {
      const res = await h.request('/oauth2/start?rd=/', { headers: { 'sec-fetch-dest': destination, 'sec-fetch-mode': 'navigate' } });
      expect(res.status, destination).toBe(302);
      expect(pendingSetCookie(res), destination).toBeDefined();
    }
  });

  it('an unreadable pending-login cookie is cleared by the next start', async () => {
    const h = await createHarness(op);
    const jar = new Map([['scimgate_login_AAAAAAAAAAAAAAAA', 'v2.garbage']]);
    const start = await h.request('/oauth2/start', { cookies: jar });
    absorb(jar, start);
    expect(pendingCookies(jar).map(([name]) => name)).not.toContain('scimgate_login_AAAAAAAAAAAAAAAA');
    expect(pendingCookies(jar)).toHaveLength(1);
  });

  it(`long return targets keep the pending-login cookies within ${PENDING_COOKIE_BUDGET} bytes together`, async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const jar = new Map<string, string>();
    const long = `/dash/${'p'.repeat(400)}?q=${'x'.repeat(2000)}`;
    const logins: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { callback } = await h.startAndLogin(ALICE, i === 3 ? long : `/d${i}?q=${'y'.repeat(1000)}`, jar);
      logins.push(callback);
      const bytes = pendingCookies(jar).reduce((sum, [name, value]) => sum + name.length + 1 + value.length, 0);
      expect(bytes, `after start ${i}`).toBeLessThanOrEqual(PENDING_COOKIE_BUDGET);
    }
    // The last target was too long for a cookie: it keeps its path, not its query.
    const res = await h.request(logins[3] ?? '', { cookies: jar });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/dash/${'p'.repeat(400)}`);
    // Absolute targets and fragments are cut the same way, staying on their allowed host.
    const wide = await createHarness(op, { config: { redirects: { allowedDomains: ['app.example.com'] } } });
    for (const [rd, kept] of [
      [`https://app.example.com/board?from=${'1'.repeat(600)}`, 'https://app.example.com/board'],
      [`/view#${'f'.repeat(600)}`, '/view'],
    ] as const) {
      const cut = await wide.request(`/oauth2/start?rd=${encodeURIComponent(rd)}`);
      expect(wide.seal.open(cookieOf(pendingSetCookie(cut)))?.returnTo).toBe(kept);
    }
    // A path alone too long falls back to the signed-in page.
    const start = await h.request(`/oauth2/start?rd=${encodeURIComponent(`/${'z'.repeat(MAX_RETURN_TARGET + 1)}`)}`);
    expect(h.seal.open(cookieOf(pendingSetCookie(start)))?.returnTo).toBe('/oauth2/signed_in');
  });

  it('a start drops the oldest logins by when they began, whatever the header order', async () => {
    const h = await createHarness(op);
    const started: [name: string, value: string][] = [];
    for (let i = 0; i < MAX_PENDING_LOGINS; i++) {
      h.advance(1000);
      const line = pendingSetCookie(await h.request(`/oauth2/start?rd=/n${i}`));
      started.push([line?.split('=')[0] ?? '', cookieOf(line) ?? '']);
    }
    // Sent newest first: the one cleared must still be the login that began first.
    const header = [...started].reverse().map(([name, value]) => `${name}=${value}`).join('; ');
    const res = await h.request('/oauth2/start?rd=/new', { headers: { cookie: header } });
    const cleared = res.headers.getSetCookie().filter((line) => /max-age=0/i.test(line)).map((line) => line.split('=')[0]);
    expect(cleared).toEqual([started[0]?.[0]]);
  });

  it('after a burst of simultaneous logins, the next start clears the oldest first', async () => {
    const h = await createHarness(op);
    const burst: string[] = [];
    for (let i = 0; i < 12; i++) {
      h.advance(1000);
      // Each start saw none of the others (same empty cookies), as tabs restored at once.
      const line = pendingSetCookie(await h.request(`/oauth2/start?rd=/t${i}`));
      burst.push(`${line?.split(';')[0]}`);
    }
    const res = await h.request('/oauth2/start?rd=/next', { headers: { cookie: burst.join('; ') } });
    const cleared = res.headers.getSetCookie().filter((line) => /max-age=0/i.test(line)).map((line) => line.split('=')[0]);
    expect(cleared).toEqual(burst.slice(0, 8).map((pair) => pair.split('=')[0]));
  });

  it('a planted twin of a pending login is not a reason to clear it', async () => {
    const h = await createHarness(op);
    const line = pendingSetCookie(await h.request('/oauth2/start?rd=/kept'));
    const [name] = (line ?? '').split('=');
    const res = await h.request('/oauth2/start?rd=/other', { headers: { cookie: `${name}=v3.planted; ${line?.split(';')[0]}` } });
    expect(res.headers.getSetCookie().filter((l) => /max-age=0/i.test(l))).toEqual([]);
  });

  it('a real login of someone else\'s, planted first under this login\'s name, does not hide it', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const attacker = cookieOf(pendingSetCookie(await h.request('/oauth2/start?rd=/attacker')));
    const { callback, jar } = await h.startAndLogin(ALICE, '/victim');
    const [[name, value] = ['', '']] = pendingCookies(jar);
    const res = await h.request(callback, { headers: { cookie: `${name}=${attacker}; ${name}=${value}` } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/victim');
  });

  it('cookies that only look like ours are ignored, never a 500', async () => {
    for (const publicUrl of [undefined, HTTPS_PUBLIC]) {
      const h = await createHarness(op, publicUrl ? { publicUrl } : {});
      const prefix = publicUrl ? '__Host-scimgate_login_' : 'scimgate_login_';
      for (const name of [`${prefix}a(b`, `${prefix}a/b`, `${prefix}{x}`, `${prefix}a:b`, `${prefix}${'A'.repeat(17)}`, 'scimgate_login', `\u00a0${prefix}${'A'.repeat(16)}`]) {
        const res = await h.request('/oauth2/start', { headers: { cookie: `x=y; ${name}=v3.x` } });
        expect(res.status, name).toBe(302);
        expect(res.headers.getSetCookie().filter((line) => /max-age=0/i.test(line)), name).toEqual([]);
      }
    }
  });

  it('planted pending-login cookies: at most a few cleared per answer, and none hides the real one', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const junk = Array.from({ length: 50 }, (_, i) => `scimgate_login_${String(i).padStart(16, 'j')}=v3.junk`).join('; ');
    const start = await h.request('/oauth2/start?rd=/real', { headers: { cookie: junk } });
    expect(start.headers.getSetCookie().length).toBeLessThanOrEqual(9);
    const jar = new Map<string, string>();
    const { callback, start: own } = await h.startAndLogin(ALICE, '/real', jar);
    const [[name, value] = ['', '']] = pendingCookies(jar);
    expect(pendingSetCookie(own)).toBeDefined();
    // A cookie planted under the same name, sent first, must not make the callback fail.
    const res = await h.request(callback, { headers: { cookie: `${name}=v3.planted; ${name}=${value}` } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/real');
  });

  it('a callback with no state, or two, is refused as a page, never a 500', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const { callback, jar } = await h.startAndLogin(ALICE);
    const url = new URL(callback);
    const state = url.searchParams.get('state') ?? '';
    const withoutState = new URL(url);
    withoutState.searchParams.delete('state');
    const none = await h.request(withoutState.toString(), { cookies: jar });
    expect(none.status).toBe(400);
    expect(h.refusals().at(-1)).toMatchObject({ code: 'state_mismatch' });
    const twice = new URL(url);
    twice.searchParams.append('state', state);
    const doubled = await h.request(twice.toString(), { cookies: jar });
    expect(doubled.status).toBe(400);
    expect(h.refusals().at(-1)).toMatchObject({ code: 'state_mismatch' });
  });

  it('the pending-login cookie is sealed: it does not reveal the PKCE verifier', async () => {
    const h = await createHarness(op);
    const start = await h.request('/oauth2/start');
    const value = cookieOf(pendingSetCookie(start)) ?? '';
    const pending = h.seal.open(value);
    expect(pending).toBeDefined();
    expect(value).not.toContain(pending?.codeVerifier ?? '-');
    expect(pendingSetCookie(start)).toMatch(/Max-Age=600/);
  });
});

describe('refused sign-ins end as pages saying why, with the reason logged', () => {
  it('a login that took longer than sessions.loginTtl expired', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE);
    const { callback, jar } = await h.startAndLogin(ALICE);
    h.advance(11 * 60 * 1000);
    const res = await h.request(callback, { cookies: jar });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/took too long/);
    expect(h.refusals()).toEqual([expect.objectContaining({ code: 'login_expired', reason: expect.any(String) })]);
    expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
  });

  it('a callback without the pending-login cookie (another browser, or cookie gone)', async () => {
    const h = await createHarness(op);
    const { callback } = await h.startAndLogin(ALICE);
    const res = await h.request(callback);
    expect(res.status).toBe(400);
    expect(h.refusals()[0]).toMatchObject({ code: 'no_pending_login' });
  });

  it('a pending-login cookie that was tampered with is ignored', async () => {
    const h = await createHarness(op);
    const { callback, jar } = await h.startAndLogin(ALICE);
    const [[name, value] = ['', '']] = pendingCookies(jar);
    jar.set(name, `${value.slice(0, -4)}AAAA`);
    const res = await h.request(callback, { cookies: jar });
    expect(res.status).toBe(400);
    expect(h.refusals()[0]).toMatchObject({ code: 'no_pending_login' });
  });

  const tamper = [
    ['state', 'state_mismatch'],
    ['nonce', 'nonce_mismatch'],
    ['codeVerifier', 'pkce_failed'],
  ] as const;
  for (const [field, code] of tamper) {
    it(`${field} mismatch → ${code}`, async () => {
      const h = await createHarness(op);
      await h.provision(ALICE);
      const { callback, jar } = await h.startAndLogin(ALICE);
      const [[name, value] = ['', '']] = pendingCookies(jar);
      const pending = h.seal.open(value);
      if (!pending) throw new Error('no pending login');
      jar.set(name, h.seal.seal({ ...pending, [field]: 'x'.repeat(43) }));
      const res = await h.request(callback, { cookies: jar });
      expect(res.status).toBe(400);
      expect(h.refusals()).toEqual([expect.objectContaining({ code, reason: expect.any(String) })]);
      expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
    });
  }

  const forgeries = [
    ['alg_none', 'unsupported_algorithm'],
    ['hs256_public_key', 'unsupported_algorithm'],
    ['foreign_key', 'bad_signature'],
    ['wrong_audience', 'audience_mismatch'],
    ['expired', 'token_expired'],
    ['wrong_issuer', 'issuer_mismatch'],
  ] as const;
  for (const [forgery, code] of forgeries) {
    it(`forged ID token (${forgery}) is refused`, async () => {
      const h = await createHarness(op);
      await h.provision(ALICE);
      const { callback, jar } = await h.startAndLogin(ALICE);
      op.forgeNextIdToken(TENANT_A, forgery);
      const res = await h.request(callback, { cookies: jar });
      expect([400, 403]).toContain(res.status);
      const logged = h.refusals()[0];
      expect(logged?.code).toBeTypeOf('string');
      // The exact code is owned by the OIDC layer; forgeries must never pass as a session.
      if (logged?.code !== code) expect(['bad_signature', 'unsupported_algorithm', 'invalid_id_token', code]).toContain(logged?.code);
      expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
    });
  }

  it('an unprovisioned user gets a 403 page and no session', async () => {
    const h = await createHarness(op);
    const { res } = await h.signInAs(ALICE);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/not been provisioned/);
    expect(h.refusals()[0]).toMatchObject({ code: 'not_provisioned' });
    expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
  });

  it('a deactivated user gets a 403 page and no session', async () => {
    const h = await createHarness(op);
    await h.provision(ALICE, { active: false });
    const { res } = await h.signInAs(ALICE);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/disabled/);
    expect(h.refusals()[0]).toMatchObject({ code: 'inactive' });
    expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
  });

  it('nOAuth: MALLORY, with Alice\'s e-mail but her own tid/oid, is not linked to Alice', async () => {
    op.setCommonTenant(TENANT_FOREIGN);
    try {
      const h = await createHarness(op, { issuer: op.commonIssuer, allowedTenants: [TENANT_A, TENANT_FOREIGN] });
      await h.provision(ALICE);
      const { res } = await h.signInAs(MALLORY);
      expect(res.status).toBe(403);
      expect(h.refusals()[0]).toMatchObject({ code: 'not_provisioned' });
      expect(setCookieFor(res, 'scimgate_session')).toBeUndefined();
    } finally {
      op.setCommonTenant(TENANT_A);
    }
  });

  it('a tenant outside the allow-list is refused', async () => {
    op.setCommonTenant(TENANT_FOREIGN);
    try {
      const h = await createHarness(op, { issuer: op.commonIssuer, allowedTenants: [TENANT_A] });
      const { res } = await h.signInAs(MALLORY);
      expect(res.status).toBe(403);
      expect(h.refusals()[0]).toMatchObject({ code: 'tenant_not_allowed' });
    } finally {
      op.setCommonTenant(TENANT_A);
    }
  });
});
