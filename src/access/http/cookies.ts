/**
 * The cookies sign-in uses, with their flags in one place: the session cookie (only the random
 * session secret — never tokens or groups, so it stays tiny whatever the user's group count) and
 * one pending-login cookie per login under way, named after its state.
 *
 * Why one cookie per login: two logins a browser starts at the same moment (tabs restored at
 * start-up, a background request that met a 401) each send the cookies they had, so under one
 * fixed name the second answer's cookie overwrote the first login's, whose callback then failed.
 * Under names of their own both are kept; how many may pile up is bounded by sign-in-routes.ts.
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { sha256 } from '../../crypto/sha256.js';
import { requestHeader } from '../../http/request-header.js';
import { cookieValue, trimBlanks } from './cookie-value.js';

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

/** A pending-login cookie as the request carried it. */
export interface PendingCookie {
  name: string;
  value: string;
}

export interface SignInCookies {
  readonly sessionName: string;
  readSession(c: Context): string | undefined;
  /** readSession from an already-read Cookie header. */
  sessionFrom(cookieHeader: string | undefined): string | undefined;
  setSession(c: Context, secret: string): void;
  clearSession(c: Context): void;
  /** The name of the cookie that carries the login started with `state`. */
  pendingName(state: string): string;
  /**
   * Every pending-login cookie the request carries, in header order, duplicates included (a
   * cookie planted under the same name must not hide the real one). Names that are not exactly
   * ours are ignored: they cannot be a login of ours, and clearing them could not be serialised.
   */
  readPendings(c: Context): PendingCookie[];
  setPending(c: Context, name: string, sealed: string): void;
  clearPending(c: Context, name: string): void;
}

export function signInCookies(settings: CookieSettings): SignInCookies {
  const pendingPrefix = settings.secure ? '__Host-scimgate_login_' : 'scimgate_login_';
  // Path=/ and no Domain: required for `__Host-`, and host-only cookies are not shared with
  // sibling subdomains. Lax still sends the cookie on the OP's top-level redirect back to us.
  const base: CookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', secure: settings.secure };
  return {
    sessionName: settings.sessionName,
    readSession: (c) => nonEmpty(readCookie(c, settings.sessionName)),
    sessionFrom: (header) => (header ? nonEmpty(cookieValue(header, settings.sessionName)) : undefined),
    setSession: (c, secret) => setCookie(c, settings.sessionName, secret, { ...base, maxAge: settings.sessionMaxAgeSeconds }),
    clearSession: (c) => void deleteCookie(c, settings.sessionName, base),
    // 96 bits of the state's hash: a cookie-name token, unique among a browser's few logins.
    pendingName: (state) => `${pendingPrefix}${sha256(state, 'base64url').slice(0, 16)}`,
    readPendings: (c) => pendingCookiesIn(requestHeader(c, 'cookie'), pendingPrefix),
    setPending: (c, name, sealed) => setCookie(c, name, sealed, { ...base, maxAge: settings.loginMaxAgeSeconds }),
    clearPending: (c, name) => void deleteCookie(c, name, base),
  };
}

/** Our pending-login name after the prefix: the 16 base64url characters pendingName makes. */
const PENDING_TAG = /^[\w-]{16}$/;
/** A sealed login is base64url after its version: nothing to unquote or decode. */
const SEALED_VALUE = /^[\w.-]+$/;

function pendingCookiesIn(header: string | undefined, prefix: string): PendingCookie[] {
  if (!header) return [];
  const found: PendingCookie[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = trimBlanks(pair.slice(0, equals));
    if (!name.startsWith(prefix) || !PENDING_TAG.test(name.slice(prefix.length))) continue;
    const value = trimBlanks(pair.slice(equals + 1));
    if (SEALED_VALUE.test(value)) found.push({ name, value });
  }
  return found;
}

/** hono's getCookie for one name, reading the Cookie header without building fetch Headers. */
function readCookie(c: Context, name: string): string | undefined {
  const header = requestHeader(c, 'cookie');
  return header ? cookieValue(header, name) : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
