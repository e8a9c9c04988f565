/**
 * What a forward-auth subrequest asks about: the original URL and method (src/access/forwarded.ts)
 * and the route policy for them (src/access/policy) — the URL parsed once, here. Both are pure
 * functions of the peer's trust, the raw proxy headers and the subrequest's own URL under one
 * configuration (a reload builds a new resolver) — and a proxy asks about the same pages over
 * and over. So the answer is remembered by those raw values in a bounded memo (src/shared/bounded-memo.ts,
 * no freshness stamp as nothing it depends on changes under one resolver), and a
 * repeat skips URL parsing, path normalisation and route matching.
 */
import { createBoundedMemo } from '../../shared/bounded-memo.js';
import type { Result } from '../../shared/result.js';
import type { CidrList } from '../../shared/cidr-list.js';
import { originalRequestUrl, trustedPeer, type OriginalUrl } from '../forwarded.js';
import { readingPaths, type CompiledPolicy, type PolicyError, type PolicyResolver } from '../policy/index.js';

/** The proxy headers originalRequestUrl reads, in this order. */
export const PROXY_HEADERS = ['x-original-url', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-uri', 'x-original-method', 'x-forwarded-method'] as const;

export interface AuthRequest {
  remoteAddress: string | undefined;
  /** The subrequest's absolute URL (its query carries `allowed_groups`). */
  url: string;
  /** Values of PROXY_HEADERS, same order. */
  proxyHeaders: readonly (string | undefined)[];
}

export interface AuthTarget {
  /** Treat as read-only: the same object answers every repeat of the request. */
  readonly original: OriginalUrl;
  /** Undefined when the original URL was malformed (the caller denies). */
  readonly policy: Result<CompiledPolicy, PolicyError> | undefined;
  /**
   * The `http_path` facts: the normalized original path, and its lenient reading when an upstream
   * could read it differently (normalize-path.ts); empty when no reading is safe. Computed once
   * per remembered target.
   */
  readonly paths: readonly string[];
}

/**
 * Longer request shapes are answered without being remembered: anyone can reach /oauth2/auth,
 * and 4096 padded URLs must not pin a hundred megabytes.
 */
const MAX_KEY_LENGTH = 2048;
/**
 * Bytes all remembered targets may take: a target holds its key and the parsed original URL (the
 * key's text again, at most), each character counted as two, plus the objects around them.
 */
const MAX_BYTES = 8 * 1024 * 1024;
const targetBytes = (key: string) => 512 + 4 * key.length;

/** NUL cannot occur in an HTTP header value, so it separates the key's parts unambiguously. */
const SEP = '\u0000';
const ABSENT = '\u0001';

export function createAuthTargetResolver(trustedProxies: CidrList, policyFor: PolicyResolver, maxEntries = 4096): (request: AuthRequest) => AuthTarget {
  const remembered = createBoundedMemo<AuthTarget>({ maxEntries, maxBytes: MAX_BYTES, sizeOf: targetBytes, maxKeyLength: MAX_KEY_LENGTH });
  return (request) => {
    // Our own URL is always part of the key: it is the answer when a trusted proxy sent no usable
    // headers (its host may select a host-specific route), and its query carries allowed_groups.
    // An untrusted peer's proxy headers are ignored, so for it they are left out.
    const key = trustedPeer(trustedProxies, request.remoteAddress)
      ? `T${SEP}${request.url}${SEP}${request.proxyHeaders.map((v) => v ?? ABSENT).join(SEP)}`
      : `U${SEP}${request.url}`;
    let target = key.length <= MAX_KEY_LENGTH ? remembered.get(key) : undefined;
    if (!target) {
      const headers = { get: (name: string) => request.proxyHeaders[PROXY_HEADERS.indexOf(name as (typeof PROXY_HEADERS)[number])] ?? null };
      const original = originalRequestUrl({ headers, remoteAddress: request.remoteAddress, url: request.url }, trustedProxies);
      target = {
        original,
        policy: original.source === 'malformed' ? undefined : policyFor(original.url, authQuery(request.url), original.method),
        paths: readingPaths(original.url.pathname),
      };
      remembered.set(key, target);
    }
    return target;
  };
}

/** The subrequest's own raw query (what `new URL(url).search` holds, without `?`), without parsing the whole URL. */
function authQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const end = url.indexOf('#', start);
  return end === -1 ? url.slice(start + 1) : url.slice(start + 1, end);
}
