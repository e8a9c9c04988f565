/**
 * Which configured route an original URL falls under, and so which groups it needs. The most
 * specific route wins: a route naming the host beats a host-less one, then the longest path
 * prefix (so `/admin` on a host overrides `/` on it, as in config/scimgate.example.yaml).
 * Prefixes match whole path segments: `/admin` covers `/admin` and `/admin/x`, not `/administrator`.
 * A URL under no route has no group requirement (any signed-in, active user).
 */
import type { RouteConfig } from '../../config/index.js';

export function routeRequirementsFor(routes: readonly RouteConfig[]): (url: URL) => readonly (readonly string[])[] {
  // Sorted once at build time: most specific first, so the first match is the answer.
  const ordered = [...routes].sort(
    (a, b) => Number(b.host !== undefined) - Number(a.host !== undefined) || b.pathPrefix.length - a.pathPrefix.length,
  );
  return (url) => {
    const host = url.hostname.toLowerCase();
    const path = url.pathname;
    const route = ordered.find((r) => (r.host === undefined || r.host === host) && underPrefix(path, r.pathPrefix));
    return route ? [route.allowedGroups] : [];
  };
}

function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/' || path === prefix) return true;
  return path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}
