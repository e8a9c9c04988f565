/**
 * `/oauth2/start` and the callback: the authorization-code flow with PKCE, state and nonce
 * (src/access/oidc), each pending login sealed in a cookie of its own between the two, identity linking
 * (nOAuth-safe: immutable ids, provisioned and active users only) and a fresh session.
 * Every refusal is logged with its stable code and reason and shown as a page saying why.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import { requestContextOf, requestLog } from '../../http/request-context.js';
import { nodeRequest } from '../../http/node-request.js';
import { requestHeader } from '../../http/request-header.js';
import { clientAddress, CLIENT_ADDRESS_HEADERS } from '../forwarded.js';
import { safeRedirect, type RedirectPolicy } from '../redirect.js';
import { keptClaims } from '../sessions/kept-claims.js';
import { SESSION_REVOKE_REASON } from '../sessions/revoke-reasons.js';
import type { PendingCookie, SignInCookies } from './cookies.js';
import type { AccessRouteDeps } from './deps.js';
import { renderRefusal } from './error-page.js';
import type { PendingLoginSeal } from './pending-login-seal.js';

/** Where a sign-in without a usable `rd` lands. */
export const SIGNED_IN_PATH = '/oauth2/signed_in';

/** Logins one browser may have under way at once; starting another drops the oldest. */
export const MAX_PENDING_LOGINS = 3;
/**
 * Bytes (name=value) the pending-login cookies may take together once a new one is added: they
 * ride on every request to the host, and a Cookie header past nginx's 8 KB buffer is refused
 * with a 400 — every page of the host, sign-in included, until they expire.
 */
export const PENDING_COOKIE_BUDGET = 4096;
/**
 * Longest return target a pending login carries (the cookie grows by ~4/3 of it, to ~1 KB at
 * most). Longer ones keep their path without the query, or fall back to the signed-in page.
 * Small, because logins started at the very same moment (many tabs restored at once) cannot see
 * each other's cookies to trim them: each adds its whole cookie until it expires or finishes.
 */
export const MAX_RETURN_TARGET = 512;
/** Cookies one answer clears at most: planted junk must not blow up the response headers. */
const MAX_CLEARED = 8;

/** Sec-Fetch-Dest values of navigations (Fetch standard): only these can sign in. */
const NAVIGATION_DESTINATIONS = new Set(['document', 'iframe', 'frame', 'fencedframe', 'embed', 'object']);

export interface SignInContext {
  deps: AccessRouteDeps;
  /** The TCP peer's address (the client, or a proxy that may name it: src/access/forwarded.ts). */
  peer: (incoming: IncomingMessage | undefined) => string | undefined;
  cookies: SignInCookies;
  seal: PendingLoginSeal;
  redirects: RedirectPolicy;
}

export function mountSignIn(app: Hono, context: SignInContext): void {
  const { deps, cookies, seal, redirects } = context;
  const refuse = (c: Context, code: string, reason: string, extra?: RefusalExtra) => refuseSignIn(c, context, code, reason, extra);
  app.get('/oauth2/start', async (c) => {
    c.header('Cache-Control', 'no-store');
    const destination = requestHeader(c, 'sec-fetch-dest');
    if (destination !== undefined && !NAVIGATION_DESTINATIONS.has(destination)) {
      // A favicon, an image or a script's fetch that met a 401 cannot show the provider's login
      // page; starting a login for it would only add a pending login the browser never finishes.
      return c.text('sign-in needs a page the browser navigates to; this request was for a resource on a page\n', 401);
    }
    const unavailable = providerUnavailable(c, deps);
    if (unavailable) return unavailable;
    const returnTo = fitReturnTarget(safeRedirect(c.req.query('rd'), redirects, SIGNED_IN_PATH));
    const { authorizationUrl, pending } = await deps.oidc.startLogin({ returnTo });
    const name = cookies.pendingName(pending.state);
    const sealed = seal.seal(pending);
    for (const old of pendingCookiesToDrop(cookies.readPendings(c), seal, name.length + 1 + sealed.length)) cookies.clearPending(c, old);
    cookies.setPending(c, name, sealed);
    return c.redirect(authorizationUrl, 302);
  });

  app.get(deps.callbackPath, async (c) => {
    c.header('Cache-Control', 'no-store');
    const state = c.req.query('state');
    const present = cookies.readPendings(c);
    const name = state === undefined ? undefined : cookies.pendingName(state);
    const own = present.filter((cookie) => cookie.name === name);
    // A pending login is good for one callback, whatever its outcome; the others stay pending.
    if (own[0]) cookies.clearPending(c, own[0].name);
    // Every value under the name is tried, for the one of this state: a cookie planted under the
    // name (even a real login of someone else's, sent first) must not hide ours.
    const opened = own.map((cookie) => seal.open(cookie.value));
    const pending = opened.find((login) => login?.state === state) ?? opened.find((login) => login !== undefined);
    if (!pending) {
      // Logins of this browser's are pending, but not the one this callback answers: a callback
      // this browser never asked for (login CSRF), or one it already spent.
      if (own.length === 0 && present.length > 0) return refuse(c, 'state_mismatch', 'the callback\'s state matches no login pending in this browser');
      return refuse(c, 'no_pending_login', 'no readable pending-login cookie (expired, never started here, or tampered)');
    }

    const unavailable = providerUnavailable(c, deps);
    if (unavailable) return unavailable;
    // The OP redirected to our *public* URL; behind a proxy the request URL we see differs.
    const callbackUrl = `${deps.publicUrl.origin}${deps.callbackPath}${new URL(c.req.url).search}`;
    const login = await deps.oidc.finishLogin(callbackUrl, pending);
    if (!login.ok) return refuse(c, login.code, login.reason);

    const linked = deps.link(login.identity);
    if (!linked.ok) return refuse(c, linked.code, linked.reason, { sub: login.identity.sub, tid: login.identity.tid });

    // A fresh session at every sign-in (no fixation); a session this browser already had ends.
    const previous = cookies.readSession(c);
    if (previous) {
      deps.sessions.revoke(previous, SESSION_REVOKE_REASON.replacedBySignIn);
      deps.decider.forget(previous);
    }
    const create = () =>
      deps.sessions.create({
        userId: linked.user.id,
        tenantId: login.identity.tid ?? null,
        issuer: login.identity.issuer,
        subject: login.identity.sub,
        absoluteTtlSeconds: deps.sessionCookie.absoluteTtlSeconds,
        idleTtlSeconds: deps.sessionCookie.idleTtlSeconds,
        claims: keptClaims(login.identity.claims, deps.policies.current().keptClaims),
      });
    // The sign-in's audit row commits with its session, or neither does.
    const { secret, session } = deps.audit
      ? deps.audit.writes.write(create, (created) => ({
          type: 'signin.succeeded',
          actor: linked.user.userName,
          userId: linked.user.id,
          requestId: requestContextOf(c).requestId,
          data: { sessionId: created.session.id, issuer: login.identity.issuer, subject: login.identity.sub, ...(login.identity.tid ? { tenantId: login.identity.tid } : {}) },
        }))
      : create();
    cookies.setSession(c, secret);
    requestLog(c).info({ userId: linked.user.id, userName: linked.user.userName, sessionId: session.id }, 'signed in');
    return c.redirect(safeRedirect(pending.returnTo, redirects, SIGNED_IN_PATH), 302);
  });
}

/**
 * The pending-login cookies to clear before one of `adding` bytes is set: unreadable ones
 * (another key, tampered, an older format) and, oldest first, whatever keeps the rest from fitting
 * MAX_PENDING_LOGINS and PENDING_COOKIE_BUDGET. Logins started at the same instant cannot see each
 * other's cookies, so they may exceed both until the next start trims them (if the Cookie header
 * still passes the proxy: see MAX_RETURN_TARGET) or they expire.
 */
function pendingCookiesToDrop(present: readonly PendingCookie[], seal: PendingLoginSeal, adding: number): string[] {
  const readable: { name: string; createdAt: number; bytes: number }[] = [];
  const unreadable = new Set<string>();
  for (const cookie of present) {
    const login = seal.open(cookie.value);
    if (login === undefined) unreadable.add(cookie.name);
    else readable.push({ name: cookie.name, createdAt: login.createdAt, bytes: cookie.name.length + 1 + cookie.value.length });
  }
  /** Newest first here; cleared oldest first (below), should more be over than one answer clears. */
  const overBudget: string[] = [];
  let kept = 0;
  let bytes = adding;
  // Newest first; for equal clocks, browsers send older cookies first, so later in the header is newer.
  for (const cookie of readable.reverse().sort((a, b) => b.createdAt - a.createdAt)) {
    // Clearing a name clears every value under it: a readable login keeps its name off the unreadable list.
    unreadable.delete(cookie.name);
    if (kept < MAX_PENDING_LOGINS - 1 && bytes + cookie.bytes <= PENDING_COOKIE_BUDGET) {
      kept++;
      bytes += cookie.bytes;
    } else {
      overBudget.push(cookie.name);
    }
  }
  return [...new Set([...overBudget.reverse(), ...unreadable])].slice(0, MAX_CLEARED);
}

/** A return target short enough for its cookie: see MAX_RETURN_TARGET. */
function fitReturnTarget(target: string): string {
  if (target.length <= MAX_RETURN_TARGET) return target;
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  return path.length <= MAX_RETURN_TARGET ? path : SIGNED_IN_PATH;
}

/** 503 with Retry-After while the provider has not been discovered (it was unreachable at boot). */
function providerUnavailable(c: Context, deps: AccessRouteDeps): Response | undefined {
  const wait = deps.oidc.waitSeconds?.();
  if (wait === undefined) return undefined;
  requestLog(c).warn({ code: 'provider_unavailable', retryAfter: wait }, 'sign-in refused: the identity provider has not been reached yet');
  c.header('Retry-After', String(wait));
  return renderRefusal(c, 'provider_unavailable');
}

/** A refusal's reason is the provider's (error_description) or ours: kept this long at most. */
export const MAX_REASON_LENGTH = 512;

interface RefusalExtra {
  sub?: string;
  tid?: string | undefined;
}

/**
 * A refused sign-in: logged, audited (sampled: one row per code, subject and client address a
 * minute, with a count of the rest — anyone can call the callback, and a refusal must not cost a
 * write each; the address in the key keeps one client's flood, before the provider names anyone,
 * from hiding everyone else's refusals), and shown as a page saying why.
 */
function refuseSignIn(c: Context, { deps, peer }: SignInContext, code: string, reason: string, extra: RefusalExtra = {}): Response {
  const capped = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
  const ip = clientAddress(deps.trustedProxies, peer(nodeRequest(c)), CLIENT_ADDRESS_HEADERS.map((name) => c.req.header(name)));
  requestLog(c).warn({ code, reason: capped, ip, ...extra }, 'sign-in refused');
  // The key's own fields: what the minute's summary row carries with its count (the reason is the
  // caller's words, often an attacker's error_description: never repeated for the others).
  const keyed = { code, ...(ip !== undefined ? { ip } : {}), ...(extra.sub !== undefined ? { subject: extra.sub } : {}), ...(extra.tid ? { tenantId: extra.tid } : {}) };
  deps.audit?.sampled.note(`signin.failed\u0000${code}\u0000${extra.sub ?? ''}\u0000${ip ?? ''}`, { type: 'signin.failed', requestId: requestContextOf(c).requestId, data: { ...keyed, reason: capped } }, keyed);
  return renderRefusal(c, code);
}
