/**
 * Redirect safety for every post-login / post-logout target (`rd`, sign-out `rd`, …): a target is
 * accepted only when it is a same-origin path or an absolute http(s) URL on an allowed host;
 * anything else falls back to a safe default. This is the open-redirect guard, so it is strict on
 * purpose: when in doubt it refuses.
 *
 * Allow-list entries (see docs/configuration.md, `redirects.allowedDomains`):
 * - `app.example.com`    exactly that host, on the scheme's default port only;
 * - `.example.com`       example.com and every subdomain of it, default port only;
 * - `app.example.com:8443` / `.example.com:8443`  the same, but on that port only.
 * The public URL's own origin (host and port) is always allowed.
 * Hosts are compared after WHATWG URL parsing, so case, IDN (punycode) and IPv4 spellings such as
 * `0x7f.1` are normalised the same way a browser would before comparing.
 */
import { parseAllowedDomain, UNSAFE_CHARS, type HostRule } from '../shared/allowed-domain.js';

export interface RedirectPolicy {
  /** scimgate's public URL; same-origin paths are resolved against it. */
  publicUrl: URL;
  /** Allowed hosts: `host`, `.suffix`, each optionally `:port`. */
  allowedDomains: readonly string[];
}

/** Longer targets are refused outright: no real return URL needs more, and it bounds the work. */
const MAX_TARGET_LENGTH = 4096;

/** Return `target` (normalised) when it is a safe redirect under `policy`, otherwise `fallback`. */
export function safeRedirect(target: string | undefined, policy: RedirectPolicy, fallback: string): string {
  return checkRedirect(target, policy) ?? fallback;
}

/** True when `target` would be accepted by {@link safeRedirect}. */
export function isAllowedRedirect(target: string | undefined, policy: RedirectPolicy): boolean {
  return checkRedirect(target, policy) !== undefined;
}

/** The normalised redirect target, or undefined when it must not be followed. */
function checkRedirect(target: string | undefined, policy: RedirectPolicy): string | undefined {
  if (target === undefined || target === '' || target.length > MAX_TARGET_LENGTH) return undefined;
  // Browsers strip or fold these before parsing (`/\t/evil.com` becomes `//evil.com`); no
  // legitimate target contains them unencoded, so refuse rather than guess how a client reads it.
  if (UNSAFE_CHARS.test(target) || target.includes('\\')) return undefined;
  if (target.startsWith('/')) return checkRelative(target, policy.publicUrl);
  if (/^https?:\/\//i.test(target)) return checkAbsolute(target, policy);
  // Everything else: scheme-less paths, `javascript:`, `data:`, `http:evil.com`, `https:/evil.com`…
  return undefined;
}

function checkRelative(target: string, publicUrl: URL): string | undefined {
  // Protocol-relative (`//host`) and anything that decodes to one. Some applications decode the
  // path once more before redirecting again, so check up to three decodings.
  let decoded = target;
  for (let round = 0; round < 3; round++) {
    if (isSchemeRelative(decoded) || UNSAFE_CHARS.test(decoded)) return undefined;
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return undefined; // malformed escapes: nobody legitimate sends these
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (isSchemeRelative(decoded) || UNSAFE_CHARS.test(decoded)) return undefined;

  let url: URL;
  try {
    url = new URL(target, publicUrl.origin);
  } catch {
    return undefined;
  }
  if (url.origin !== publicUrl.origin) return undefined;
  const path = url.pathname + url.search + url.hash;
  // Dot-segment removal can produce `//` (`/..//evil.com` → `//evil.com`); the returned string
  // goes into a Location header, so it must be safe on its own.
  if (isSchemeRelative(path)) return undefined;
  return path;
}

function checkAbsolute(target: string, policy: RedirectPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // Credentials in a redirect target are only ever phishing (`https://trusted@evil`).
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.origin === policy.publicUrl.origin) return url.href;
  const rules = parseAllowedDomains(policy.allowedDomains);
  return rules.some((rule) => hostMatches(url, rule)) ? url.href : undefined;
}

function isSchemeRelative(path: string): boolean {
  return /^[/\\][/\\]/.test(path);
}

function hostMatches(url: URL, rule: HostRule): boolean {
  if (url.port !== rule.port) return false;
  const host = url.hostname;
  if (host === rule.host) return true;
  return rule.suffix && host.endsWith(`.${rule.host}`);
}

// Keyed by the array itself: config arrays are built once at boot and never mutated.
const ruleCache = new WeakMap<readonly string[], HostRule[]>();

/**
 * Parse allow-list entries into rules. Entries that do not parse as a bare host[:port] are
 * dropped (config validation reports them at boot; see {@link parseAllowedDomain}).
 */
function parseAllowedDomains(entries: readonly string[]): HostRule[] {
  const cached = ruleCache.get(entries);
  if (cached) return cached;
  const rules: HostRule[] = [];
  for (const entry of entries) {
    const rule = parseAllowedDomain(entry);
    if (rule) rules.push(rule);
  }
  ruleCache.set(entries, rules);
  return rules;
}
