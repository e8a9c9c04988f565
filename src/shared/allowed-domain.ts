/**
 * One `redirects.allowedDomains` entry (`host`, `.suffix`, optionally `:port`) parsed into a rule.
 * Shared because configuration validates entries at boot with exactly the rule the redirect guard
 * (src/access/redirect.ts) matches targets with.
 */

export interface HostRule {
  /** Lower-case ASCII (punycode) host name, without the leading dot for suffix rules. */
  host: string;
  suffix: boolean;
  /** '' means the scheme's default port (URL.port convention). */
  port: string;
}

/** C0 controls, space, DEL, and the Unicode spaces/separators browsers may strip or fold. */
export const UNSAFE_CHARS = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/u;

/**
 * Parse one allow-list entry, or undefined when it is not a bare `host`, `.suffix`, optionally
 * followed by `:port`. Configuration validation and the redirect guard apply exactly this rule.
 */
export function parseAllowedDomain(entry: string): HostRule | undefined {
  const suffix = entry.startsWith('.');
  const bare = suffix ? entry.slice(1) : entry;
  if (bare === '' || UNSAFE_CHARS.test(bare) || /[/\\@?#*%]/.test(bare)) return undefined;
  let url: URL;
  try {
    url = new URL(`https://${bare}`);
  } catch {
    return undefined;
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') return undefined;
  // A suffix rule on an IP literal would be meaningless (`.0.0.1`), so refuse it.
  if (suffix && (/^[\d.]+$/.test(url.hostname) || url.hostname.startsWith('['))) return undefined;
  // `https://h:443` normalises the port away; an explicit 443 then means "default port", which
  // is also what a target `https://h:443` normalises to.
  return { host: url.hostname, suffix, port: url.port };
}
