/**
 * Which configured route a request falls under. The most specific route wins:
 *   1. a route naming the request's host beats a host-less one (a host is its own application);
 *   2. then the longest path prefix (`/admin` beats `/` on the same host);
 *   3. then the earlier route in the config (so the answer is deterministic for duplicates).
 * Prefixes match whole path segments: `/admin` covers `/admin` and `/admin/x`, not
 * `/administrator`; a prefix ending in `/` covers only what is below it.
 *
 * The path is normalised first as nginx and most upstreams would see it — percent-encoded
 * unreserved characters decoded, `\` as `/`, repeated slashes merged, dot segments resolved —
 * so `/%61dmin`, `//admin` or `/x/../admin` cannot slip past an `/admin` route. Case is kept:
 * paths are case-sensitive. Hosts compare lower-case, without port or trailing dot.
 */
import type { RouteConfig } from '../../config/index.js';

type RouteLike = Pick<RouteConfig, 'host' | 'pathPrefix'>;

const UNRESERVED_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DdEe]|5[Ff]|7[Ee])/g;

/** The path a route is matched against (see the module comment). Query and fragment are dropped. */
/** Nothing an attacker could use to disguise a path: no escapes, backslashes, dot or empty segments. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~!$&'()*+,;=:@-][A-Za-z0-9_.~!$&'()*+,;=:@-]*)*\/?$/;

export function normalizePath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  // The common case, checked without building a URL: already in normal form. A segment may
  // contain dots but not start with one, so `.` and `..` segments take the full path below.
  if (PLAIN_PATH.test(bare)) return bare === '' ? '/' : bare;
  const decoded = bare.replace(UNRESERVED_ESCAPE, (escape) => String.fromCharCode(Number.parseInt(escape.slice(1), 16)));
  const merged = `/${decoded}`.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  return new URL(merged, 'http://route.invalid').pathname;
}

/** Lower-case host without port or trailing dot (`[::1]:8080` → `[::1]`). */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  const withoutPort = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.replace(/:\d*$/, '');
  return withoutPort.endsWith('.') ? withoutPort.slice(0, -1) : withoutPort;
}

export function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/' || path === prefix) return true;
  return path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** Negative when `a` is more specific than `b`. */
function bySpecificity(a: RouteLike, b: RouteLike): number {
  return Number(b.host !== undefined) - Number(a.host !== undefined) || b.pathPrefix.length - a.pathPrefix.length;
}

/** Sorts once (stable, so config order breaks ties) and answers each request with one scan. */
export function createRouteMatcher<R extends RouteLike>(routes: readonly R[]): (host: string, path: string) => R | undefined {
  const ordered = [...routes].sort(bySpecificity);
  return (host, path) => {
    const h = normalizeHost(host);
    const p = normalizePath(path);
    return ordered.find((route) => (route.host === undefined || route.host.toLowerCase() === h) && underPrefix(p, route.pathPrefix));
  };
}

/** One-off form of createRouteMatcher: a linear scan keeping the most specific match. */
export function matchRoute<R extends RouteLike>(routes: readonly R[], host: string, path: string): R | undefined {
  const h = normalizeHost(host);
  const p = normalizePath(path);
  let best: R | undefined;
  for (const route of routes) {
    if (route.host !== undefined && route.host.toLowerCase() !== h) continue;
    if (!underPrefix(p, route.pathPrefix)) continue;
    if (best === undefined || bySpecificity(route, best) < 0) best = route;
  }
  return best;
}
