/**
 * SCIM paths as clients write them → the paths the router serves. Endpoint names in any letter
 * case (`/users`, `/serviceproviderconfig`) and a trailing slash (`/Users/`, `/Groups/{id}/`)
 * are accepted, as Microsoft's SCIM reference implementation accepts them (its test collection
 * sends them). Only the endpoint name (and `.search`) is rewritten: ids, schema URNs and
 * everything else keep their spelling. Used as the app's routing path (src/app.ts), so every
 * endpoint, its authentication and its errors work alike under either spelling.
 */
const SCIM_ROOT = '/scim/v2';
const ENDPOINTS = new Map(['Users', 'Groups', 'ServiceProviderConfig', 'Schemas', 'ResourceTypes'].map((name) => [name.toLowerCase(), name]));
const CANONICAL = [...ENDPOINTS.values()];
const SLASH = 47;
const DOT = 46;

export function liberalScimPath(path: string): string {
  if (!path.startsWith(SCIM_ROOT) || (path.length > SCIM_ROOT.length && path.charCodeAt(SCIM_ROOT.length) !== SLASH)) return path;
  return servedAsWritten(path) ? path : rewrite(path);
}

/**
 * True when `rewrite` would give `path` back unchanged, as it does for nearly every request (Entra
 * and most clients write the names as the RFC does): the endpoint name spelled as the router
 * serves it, no trailing slash, and no second segment that could be `.search` in another case
 * (any 7-character segment starting with a dot is left to `rewrite`). Checked without splitting,
 * lowercasing and joining the path, which cost every SCIM request several µs (bench/README.md).
 */
function servedAsWritten(path: string): boolean {
  const start = SCIM_ROOT.length + 1;
  if (path.length <= start || path.charCodeAt(path.length - 1) === SLASH) return false;
  const name = CANONICAL.find((n) => path.startsWith(n, start) && (path.length === start + n.length || path.charCodeAt(start + n.length) === SLASH));
  if (name === undefined) return false;
  const end = start + name.length;
  return !(path.length - end - 1 === 7 && path.charCodeAt(end + 1) === DOT);
}

function rewrite(path: string): string {
  const rest = path.slice(SCIM_ROOT.length + 1).replace(/\/+$/, '');
  if (rest === '') return SCIM_ROOT;
  const segments = rest.split('/');
  const endpoint = ENDPOINTS.get((segments[0] ?? '').toLowerCase());
  if (endpoint === undefined) return path;
  segments[0] = endpoint;
  // POST /Users/.search (RFC 7644 §3.4.3): the one fixed name below an endpoint.
  if (segments.length === 2 && segments[1]?.toLowerCase() === '.search') segments[1] = '.search';
  return `${SCIM_ROOT}/${segments.join('/')}`;
}
