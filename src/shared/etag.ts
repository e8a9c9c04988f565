/**
 * Weak ETags over a resource's version counter, and If-Match / If-None-Match evaluation: HTTP's
 * (RFC 9110 §8.8.3, §13.1), which SCIM uses as it is (RFC 7644 §3.14). A leaf, because the
 * directory checks If-Match inside its writes and the SCIM layer writes the headers.
 */

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * True when an If-Match header value permits a write to a resource at `version`.
 * `*` matches any existing resource; a list matches if any entry does. Weak comparison is
 * used because our tags are weak by construction.
 */
export function ifMatchAllows(header: string, version: number): boolean {
  const wanted = `"${version}"`;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    if (tag === '*') return true;
    const opaque = tag.startsWith('W/') ? tag.slice(2) : tag;
    return opaque === wanted;
  });
}

/** True when an If-None-Match header value already names the current version (→ 304 on GET). */
export function ifNoneMatchHits(header: string, version: number): boolean {
  return ifMatchAllows(header, version);
}
