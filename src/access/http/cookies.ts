/**
 * The two cookies sign-in uses, with their flags in one place: the session cookie (only the
 * random session secret — never tokens or groups, so it stays tiny whatever the user's group
 * count) and the single pending-login cookie (a fixed name, so a new /oauth2/start overwrites
 * the previous one instead of piling up per-state cookies).
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { requestHeader } from '../../http/request-header.js';
import { cookieValue } from './cookie-value.js';

export interface CookieSettings {
  /** Session cookie name (`__Host-…` when secure; from config.sessions.cookieName). */
  sessionName: string;
  /** True when the public URL is https: Secure cookies and `__Host-` names. */
  secure: boolean;
  /** Session cookie lifetime: the session's absolute TTL. */
  sessionMaxAgeSeconds: number;
  /** Pending-login cookie lifetime: config sessions.loginTtlSeconds. */
  loginMaxAgeSeconds: number;
}

export interface SignInCookies {
  readonly sessionName: string;
  readonly pendingName: string;
  readSession(c: Context): string | undefined;
  /** readSession from an already-read Cookie header. */
  sessionFrom(cookieHeader: string | undefined): string | undefined;
  setSession(c: Context, secret: string): void;
  clearSession(c: Context): void;
  readPending(c: Context): string | undefined;
  setPending(c: Context, sealed: string): void;
  clearPending(c: Context): void;
}

export function signInCookies(settings: CookieSettings): SignInCookies {
  const pendingName = settings.secure ? '__Host-scimgate_login' : 'scimgate_login';
  // Path=/ and no Domain: required for `__Host-`, and host-only cookies are not shared with
  // sibling subdomains. Lax still sends the cookie on the OP's top-level redirect back to us.
  const base: CookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', secure: settings.secure };
  return {
    sessionName: settings.sessionName,
    pendingName,
    readSession: (c) => nonEmpty(readCookie(c, settings.sessionName)),
    sessionFrom: (header) => (header ? nonEmpty(cookieValue(header, settings.sessionName)) : undefined),
    setSession: (c, secret) => setCookie(c, settings.sessionName, secret, { ...base, maxAge: settings.sessionMaxAgeSeconds }),
    clearSession: (c) => void deleteCookie(c, settings.sessionName, base),
    readPending: (c) => nonEmpty(readCookie(c, pendingName)),
    setPending: (c, sealed) => setCookie(c, pendingName, sealed, { ...base, maxAge: settings.loginMaxAgeSeconds }),
    clearPending: (c) => void deleteCookie(c, pendingName, base),
  };
}

/** hono's getCookie for one name, reading the Cookie header without building fetch Headers. */
function readCookie(c: Context, name: string): string | undefined {
  const header = requestHeader(c, 'cookie');
  return header ? cookieValue(header, name) : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
