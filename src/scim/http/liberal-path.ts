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

export function liberalScimPath(path: string): string {
  if (!path.startsWith(SCIM_ROOT) || (path.length > SCIM_ROOT.length && path.charCodeAt(SCIM_ROOT.length) !== 47)) return path;
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
