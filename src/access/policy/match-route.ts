/**
 * Which configured routes a request falls under. For one reading of the path and one method,
 * the most specific route wins:
 *   1. a route naming the request's host beats a host-less one (a host is its own application);
 *   2. then the longest path prefix (`/admin` beats `/` on the same host);
 *   3. then a route limited to `methods` beats one for every method;
 *   4. then the earlier route in the config (so the answer is deterministic for duplicates).
 * Prefixes match whole path segments: `/admin` covers `/admin` and `/admin/x`, not
 * `/administrator`; a prefix ending in `/` covers only what is below it. Prefixes compare
 * case-insensitively unless the route sets `caseSensitive: true`. Hosts compare lower-case,
 * without port or trailing dot.
 *
 * A path may mean different things to different upstreams (normalize-path.ts), and the proxy
 * may not say which method the request has. The matcher answers with every route the request
 * could fall under — one per reading and possible method — and the caller requires all of
 * their policies (the strictest meaning wins). A path no upstream reads one way is refused.
 */
import type { RouteConfig } from '../../config/index.js';
import { pathReadings } from './normalize-path.js';

export { normalizePath, pathReadings, readingPaths, type PathReadings } from './normalize-path.js';

export type RouteLike = Pick<RouteConfig, 'host' | 'pathPrefix'> & Partial<Pick<RouteConfig, 'methods' | 'caseSensitive'>>;

export type RouteMatch<R> =
  /** `unrouted`: some reading of the request matched no route (so the default policy applies to it too). */
  | { ok: true; routes: readonly R[]; unrouted: boolean }
  | { ok: false; reason: string };

export type RouteMatcher<R> = (host: string, path: string, method?: string) => RouteMatch<R>;

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
  return (
    Number(b.host !== undefined) - Number(a.host !== undefined) ||
    b.pathPrefix.length - a.pathPrefix.length ||
    Number(b.methods !== undefined) - Number(a.methods !== undefined)
  );
}

interface Compiled<R> {
  route: R;
  host: string | undefined;
  prefix: string;
  caseSensitive: boolean;
  methods: ReadonlySet<string> | undefined;
}

/** Any method no route names: stands for "every other method" when the proxy did not say. */
const OTHER_METHOD = '\u0000other';

/** Sorts once (stable, so config order breaks ties); each request is a scan per reading and method. */
export function createRouteMatcher<R extends RouteLike>(routes: readonly R[]): RouteMatcher<R> {
  const ordered: Compiled<R>[] = [...routes].sort(bySpecificity).map((route) => {
    const caseSensitive = route.caseSensitive === true;
    return {
      route,
      host: route.host?.toLowerCase(),
      prefix: caseSensitive ? route.pathPrefix : route.pathPrefix.toLowerCase(),
      caseSensitive,
      methods: route.methods ? new Set(route.methods.map((m) => m.toUpperCase())) : undefined,
    };
  });
  const namedMethods = [...new Set(ordered.flatMap((c) => (c.methods ? [...c.methods] : [])))];
  const unknownMethod = [...namedMethods, OTHER_METHOD];

  const best = (host: string, path: string, lower: string, method: string): R | undefined =>
    ordered.find(
      (c) =>
        (c.host === undefined || c.host === host) &&
        (c.methods === undefined || c.methods.has(method)) &&
        underPrefix(c.caseSensitive ? path : lower, c.prefix),
    )?.route;

  return (rawHost, rawPath, rawMethod) => {
    const readings = pathReadings(rawPath);
    if (!readings.ok) return readings;
    const host = normalizeHost(rawHost);
    const paths = readings.literal === readings.lenient ? [readings.literal] : [readings.literal, readings.lenient];
    const methods = rawMethod === undefined ? unknownMethod : [rawMethod.toUpperCase()];
    const found: R[] = [];
    let unrouted = false;
    for (const path of paths) {
      const lower = path.toLowerCase();
      for (const method of methods) {
        const route = best(host, path, lower, method);
        if (route === undefined) unrouted = true;
        else if (!found.includes(route)) found.push(route);
      }
    }
    return { ok: true, routes: found, unrouted };
  };
}
