/**
 * `/oauth2/start` and the callback: the authorization-code flow with PKCE, state and nonce
 * (src/access/oidc), each pending login sealed in a cookie of its own between the two, identity linking
 * (nOAuth-safe: immutable ids, provisioned and active users only) and a fresh session.
 * Every refusal is logged with its stable code and reason and shown as a page saying why.
 */
import type { Context, Hono } from 'hono';
import { requestLog } from '../../http/request-context.js';
import { safeRedirect, type RedirectPolicy } from '../redirect.js';
import { requestHeader } from '../../http/request-header.js';
import type { PendingCookie, SignInCookies } from './cookies.js';
import type { AccessRouteDeps } from './deps.js';
import { renderRefusal } from './error-page.js';
import type { PendingLoginSeal } from './pending-login-seal.js';

/** Where a sign-in without a usable `rd` lands. */
export const SIGNED_IN_PATH = '/oauth2/signed_in';

/** Logins one browser may have under way at once; starting another drops the oldest. */
export const MAX_PENDING_LOGINS = 3;

/** Sec-Fetch-Dest values of navigations (Fetch standard): only these can sign in. */
const NAVIGATION_DESTINATIONS = new Set(['document', 'iframe', 'frame', 'fencedframe', 'embed', 'object']);

export interface SignInContext {
  deps: AccessRouteDeps;
  cookies: SignInCookies;
  seal: PendingLoginSeal;
  redirects: RedirectPolicy;
}

export function mountSignIn(app: Hono, { deps, cookies, seal, redirects }: SignInContext): void {
  app.get('/oauth2/start', async (c) => {
    c.header('Cache-Control', 'no-store');
    const destination = requestHeader(c, 'sec-fetch-dest');
    if (destination !== undefined && !NAVIGATION_DESTINATIONS.has(destination)) {
      // A favicon, an image or a script's fetch that met a 401 cannot show the provider's login
      // page; starting a login for it would only add a pending login the browser never finishes.
      return c.text('sign-in needs a page the browser navigates to; this request was for a resource on a page\n', 401);
    }
    const returnTo = safeRedirect(c.req.query('rd'), redirects, SIGNED_IN_PATH);
    const { authorizationUrl, pending } = await deps.oidc.startLogin({ returnTo });
    for (const name of pendingCookiesToDrop(cookies.readPendings(c), seal)) cookies.clearPending(c, name);
    cookies.setPending(c, cookies.pendingName(pending.state), seal.seal(pending));
    return c.redirect(authorizationUrl, 302);
  });

  app.get(deps.callbackPath, async (c) => {
    c.header('Cache-Control', 'no-store');
    const state = c.req.query('state');
    const present = cookies.readPendings(c);
    const name = state === undefined ? undefined : cookies.pendingName(state);
    const sealed = present.find((cookie) => cookie.name === name);
    // A pending login is good for one callback, whatever its outcome; the others stay pending.
    if (sealed) cookies.clearPending(c, sealed.name);
    const pending = seal.open(sealed?.value);
    if (!pending) {
      // Logins of this browser's are pending, but not the one this callback answers: a callback
      // this browser never asked for (login CSRF), or one it already spent.
      if (!sealed && present.length > 0) return refuse(c, 'state_mismatch', 'the callback\'s state matches no login pending in this browser');
      return refuse(c, 'no_pending_login', 'no readable pending-login cookie (expired, never started here, or tampered)');
    }

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

/**
 * The pending-login cookies to clear before one more is set: unreadable ones (another key,
 * tampered, an older format), then the oldest, so that the browser keeps at most MAX_PENDING_LOGINS.
 */
function pendingCookiesToDrop(present: readonly PendingCookie[], seal: PendingLoginSeal): string[] {
  const opened = present.map((cookie) => ({ name: cookie.name, login: seal.open(cookie.value) }));
  const unreadable = opened.filter((cookie) => cookie.login === undefined).map((cookie) => cookie.name);
  const readable = opened
    .filter((cookie) => cookie.login !== undefined)
    .sort((a, b) => (a.login?.createdAt ?? 0) - (b.login?.createdAt ?? 0))
    .map((cookie) => cookie.name);
  return [...unreadable, ...readable.slice(0, Math.max(0, readable.length - (MAX_PENDING_LOGINS - 1)))];
}

function refuse(c: Context, code: string, reason: string, extra: Record<string, unknown> = {}): Response {
  requestLog(c).warn({ code, reason, ...extra }, 'sign-in refused');
  return renderRefusal(c, code);
}
