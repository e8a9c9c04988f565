/**
 * `/oauth2/start` and the callback: the authorization-code flow with PKCE, state and nonce
 * (src/access/oidc), the pending login sealed in one cookie between the two, identity linking
 * (nOAuth-safe: immutable ids, provisioned and active users only) and a fresh session.
 * Every refusal is logged with its stable code and reason and shown as a page saying why.
 */
import type { Context, Hono } from 'hono';
import { requestLog } from '../../http/request-context.js';
import { safeRedirect, type RedirectPolicy } from '../redirect.js';
import type { SignInCookies } from './cookies.js';
import type { AccessRouteDeps } from './deps.js';
import { renderRefusal } from './error-page.js';
import type { PendingLoginSeal } from './pending-login-seal.js';

/** Where a sign-in without a usable `rd` lands. */
export const SIGNED_IN_PATH = '/oauth2/signed_in';

export interface SignInContext {
  deps: AccessRouteDeps;
  cookies: SignInCookies;
  seal: PendingLoginSeal;
  redirects: RedirectPolicy;
}

export function mountSignIn(app: Hono, { deps, cookies, seal, redirects }: SignInContext): void {
  app.get('/oauth2/start', async (c) => {
    const returnTo = safeRedirect(c.req.query('rd'), redirects, SIGNED_IN_PATH);
    const { authorizationUrl, pending } = await deps.oidc.startLogin({ returnTo });
    // One fixed cookie name, holding the few newest logins: cookies never pile up, and a
    // concurrent login in another tab keeps its own state.
    cookies.setPending(c, seal.seal([...seal.open(cookies.readPending(c)), pending]));
    c.header('Cache-Control', 'no-store');
    return c.redirect(authorizationUrl, 302);
  });

  app.get(deps.callbackPath, async (c) => {
    c.header('Cache-Control', 'no-store');
    const pendings = seal.open(cookies.readPending(c));
    const state = c.req.query('state');
    // Without a match, the newest login goes to finishLogin, which refuses it as state_mismatch.
    const pending = pendings.find((candidate) => candidate.state === state) ?? pendings.at(-1);
    // A pending login is good for one callback, whatever its outcome; the others stay pending.
    const remaining = pendings.filter((candidate) => candidate !== pending);
    if (remaining.length > 0) cookies.setPending(c, seal.seal(remaining));
    else cookies.clearPending(c);
    if (!pending) return refuse(c, 'no_pending_login', 'no readable pending-login cookie (expired, never started here, or tampered)');

    // The OP redirected to our *public* URL; behind a proxy the request URL we see differs.
    const callbackUrl = `${deps.publicUrl.origin}${deps.callbackPath}${new URL(c.req.url).search}`;
    const login = await deps.oidc.finishLogin(callbackUrl, pending);
    if (!login.ok) return refuse(c, login.code, login.reason);

    const linked = deps.link(login.identity);
    if (!linked.ok) return refuse(c, linked.code, linked.reason, { sub: login.identity.sub, tid: login.identity.tid });

    // A fresh session at every sign-in (no fixation); a session this browser already had ends.
    const previous = cookies.readSession(c);
    if (previous) {
      deps.sessions.revoke(previous, 'replaced-by-sign-in');
      deps.decider.forget(previous);
    }
    const { secret, session } = deps.sessions.create({
      userId: linked.user.id,
      tenantId: login.identity.tid ?? null,
      issuer: login.identity.issuer,
      subject: login.identity.sub,
      absoluteTtlSeconds: deps.sessionCookie.absoluteTtlSeconds,
      idleTtlSeconds: deps.sessionCookie.idleTtlSeconds,
    });
    cookies.setSession(c, secret);
    requestLog(c).info({ userId: linked.user.id, userName: linked.user.userName, sessionId: session.id }, 'signed in');
    return c.redirect(safeRedirect(pending.returnTo, redirects, SIGNED_IN_PATH), 302);
  });
}

function refuse(c: Context, code: string, reason: string, extra: Record<string, unknown> = {}): Response {
  requestLog(c).warn({ code, reason, ...extra }, 'sign-in refused');
  return renderRefusal(c, code);
}
