/**
 * The URL the user originally asked for, as told by the reverse proxy in front of us — but only
 * when the TCP peer is one of the configured trusted proxies. A forward-auth request arrives at
 * `/oauth2/auth`; the page the user wanted travels in headers:
 * - `X-Original-URL: https://app.example.com/path?q` (nginx `auth_request` convention), or
 * - `X-Forwarded-Proto` + `X-Forwarded-Host` + `X-Forwarded-Uri` (Traefik / Caddy convention).
 * From anyone else these headers are ignored entirely: a client could otherwise choose the URL
 * the policy is evaluated for. Malformed values never throw. When a trusted proxy sent proxy
 * headers and none of them is usable, the answer says so (`source: 'malformed'`) instead of
 * quietly falling back to our own URL, whose policy could be laxer: callers must deny.
 * The original method comes the same way (`X-Original-Method`, nginx; `X-Forwarded-Method`,
 * Traefik): absent, or not a method token, it is unknown, and route matching then considers
 * every method the request could have.
 */
import { isIP } from 'node:net';
import { createBoundedMemo, type BoundedMemo } from '../shared/bounded-memo.js';
import type { CidrList } from '../shared/cidr-list.js';

/** Only `get` is used, so callers can read headers without building a fetch `Headers`. */
export interface ForwardedRequest {
  headers: Pick<Headers, 'get'>;
  /** The TCP peer address as the socket reports it (may be IPv4-mapped IPv6). */
  remoteAddress: string | undefined;
  /** The URL of the request as received by scimgate (absolute). */
  url: string;
}

export type OriginalUrlSource = 'x-original-url' | 'x-forwarded' | 'request' | 'malformed';

export interface OriginalUrl {
  url: URL;
  /** True only when `url` came from proxy headers sent by a trusted peer. */
  trusted: boolean;
  source: OriginalUrlSource;
  /** The original request's method (upper-case), only from a trusted proxy. */
  method?: string | undefined;
}

const MAX_HEADER_LENGTH = 8192;

export function originalRequestUrl(req: ForwardedRequest, trustedProxies: CidrList): OriginalUrl {
  // Our own URL only when it is the answer: a trusted proxy's requests never need it parsed.
  const own = () => ({ url: requestUrl(req.url), trusted: false, source: 'request' }) as const;
  if (!trustedPeer(trustedProxies, req.remoteAddress)) return own();

  const method = methodToken(req.headers.get('x-original-method') ?? req.headers.get('x-forwarded-method'));
  const original = fromOriginalUrl(req.headers.get('x-original-url'));
  if (original) return { url: original, trusted: true, source: 'x-original-url', method };
  const forwarded = fromForwarded(
    req.headers.get('x-forwarded-proto'),
    req.headers.get('x-forwarded-host'),
    req.headers.get('x-forwarded-uri'),
  );
  if (forwarded) return { url: forwarded, trusted: true, source: 'x-forwarded', method };
  const sent = ['x-original-url', 'x-forwarded-host', 'x-forwarded-uri', 'x-forwarded-proto'].some((name) => req.headers.get(name) !== null);
  return sent ? { ...own(), source: 'malformed' } : own();
}

/**
 * `CidrList.contains` per peer address, remembered: node's BlockList builds a SocketAddress on
 * every check, and a gate sees the same few proxy addresses on every request. The answer is a
 * pure function of an immutable list and the address, so a remembered one is always right;
 * the memo is bounded so a flood of distinct peers cannot grow it.
 */
const peerMemo = new WeakMap<CidrList, BoundedMemo<boolean>>();
const MAX_REMEMBERED_PEERS = 256;

export function trustedPeer(list: CidrList, address: string | undefined): boolean {
  if (address === undefined) return list.contains(address);
  let memo = peerMemo.get(list);
  // An address is at most 45 characters (IPv6 with an embedded IPv4); a longer key is not one worth keeping.
  if (!memo) peerMemo.set(list, (memo = createBoundedMemo<boolean>({ maxEntries: MAX_REMEMBERED_PEERS, maxKeyLength: 64 })));
  let trusted = memo.get(address);
  if (trusted === undefined) {
    trusted = list.contains(address);
    memo.set(address, trusted);
  }
  return trusted;
}

function methodToken(value: string | null): string | undefined {
  const text = value?.trim();
  return text && /^[A-Za-z]{1,20}$/.test(text) ? text.toUpperCase() : undefined;
}

function requestUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    // The HTTP layer always hands us an absolute URL; this only guards against misuse.
    return new URL('http://invalid.invalid/');
  }
}

function fromOriginalUrl(value: string | null): URL | undefined {
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  const text = value.trim();
  if (!/^https?:\/\//i.test(text) || /[\s\\]/.test(text)) return undefined;
  const url = parse(text);
  if (!url || url.username !== '' || url.password !== '') return undefined;
  return url;
}

function fromForwarded(proto: string | null, host: string | null, uri: string | null): URL | undefined {
  const scheme = lastValue(proto)?.toLowerCase();
  const authority = lastValue(host);
  if ((scheme !== 'http' && scheme !== 'https') || !authority) return undefined;
  if (authority.length > 255 || /[/\\@?#%\s]/.test(authority)) return undefined;
  const base = parse(`${scheme}://${authority}`);
  if (!base || base.pathname !== '/') return undefined;

  const path = uri?.trim() || '/';
  if (path.length > MAX_HEADER_LENGTH || /[\s\\]/.test(path)) return undefined;
  if (!path.startsWith('/')) return undefined;
  // Concatenate, never resolve: `new URL('//evil.com/x', base)` would change the host.
  const url = parse(`${base.origin}${path}`);
  if (!url || url.host !== base.host) return undefined;
  return url;
}

/**
 * Proxies that append rather than overwrite produce `evil.com, app.example.com`, where the left
 * values came from the client. Only the last value was added by our immediate (trusted) peer, so
 * it is the only one we believe: picking the host by a client-chosen value would let a client
 * pick which route policy applies.
 */
function lastValue(value: string | null): string | undefined {
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  const last = value.split(',').at(-1)?.trim();
  return last === '' ? undefined : last;
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * The client's address for policies (`source_ip`), under the same rule: proxy headers count only
 * from a trusted peer. `X-Real-IP` (nginx: `proxy_set_header X-Real-IP $remote_addr;`), else the
 * last `X-Forwarded-For` entry — the one our trusted peer added; entries further left came from
 * the client and are never believed. From an untrusted peer the TCP peer itself is the client.
 * A trusted proxy that sent neither (or an unusable value) leaves the address unknown — never the
 * proxy's own address, which an IP allow-list covering the proxy would otherwise wave through.
 */
export const CLIENT_ADDRESS_HEADERS = ['x-real-ip', 'x-forwarded-for'] as const;

/** `values`: CLIENT_ADDRESS_HEADERS' values, same order. */
export function clientAddress(trustedProxies: CidrList, peer: string | undefined, values: readonly (string | undefined)[]): string | undefined {
  if (!trustedPeer(trustedProxies, peer)) return peer;
  const [realIp, forwardedFor] = values;
  const ip = addressValue(realIp) ?? lastValue(forwardedFor ?? null);
  return ip !== undefined && isIP(unzoned(ip)) !== 0 ? ip : undefined;
}

function addressValue(value: string | undefined): string | undefined {
  const text = value?.trim();
  return text === undefined || text === '' || text.length > 64 ? undefined : text;
}

const unzoned = (ip: string): string => {
  const zone = ip.indexOf('%');
  return zone === -1 ? ip : ip.slice(0, zone);
};
