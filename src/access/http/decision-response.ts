/**
 * The one place a decision becomes an HTTP answer, in the contract nginx `auth_request` users
 * know from oauth2-proxy: 202 with identity headers when allowed, 401 when not signed in (nginx
 * then sends the browser to /oauth2/start via `error_page 401`), 403 when signed in but not
 * allowed. Bodies are empty: the proxy only reads the status and headers.
 *
 * Headers on 202:
 * - `X-Auth-Request-User`, `X-Auth-Request-Preferred-Username`: the directory userName
 * - `X-Auth-Request-Email`: the user's primary e-mail from the directory (absent if none)
 * - `X-Auth-Request-Groups`: effective groups' displayNames, comma-separated
 * - `X-Auth-Request-Group-Ids`: the same groups' ids, comma-separated (stable across renames);
 *   only with config forwardAuth.groupIdsHeader, to keep the answer within proxies' header buffers
 * Values are percent-encoded (UTF-8) outside printable ASCII, and `%` and `,` inside a value are
 * encoded too, so a group named "R&D, EMEA" cannot split into two.
 */
import type { AccessIdentity, Decision } from '../decision.js';

const STATUS = { allow: 202, unauthenticated: 401, unauthorized: 403 } as const;

/** A decision as an HTTP answer; the body is always empty. Treat `headers` as read-only: cached identities share them. */
export interface DecisionAnswer {
  status: (typeof STATUS)[keyof typeof STATUS];
  headers: Readonly<Record<string, string>>;
}

export type DecisionAnswerer = (decision: Decision) => DecisionAnswer;

export function decisionAnswerer(options: { groupIdsHeader?: boolean | undefined } = {}): DecisionAnswerer {
  // Cached identities are reused across decisions, so their encoded headers are built once each.
  const encoded = new WeakMap<AccessIdentity, Record<string, string>>();
  const headersFor = (identity: AccessIdentity): Record<string, string> => {
    let headers = encoded.get(identity);
    if (!headers) {
      headers = identityHeaders(identity, options.groupIdsHeader === true);
      encoded.set(identity, headers);
    }
    return headers;
  };
  return (decision) => {
    const identity = decision.outcome === 'allow' ? decision.identity : undefined;
    return { status: STATUS[decision.outcome], headers: identity ? headersFor(identity) : NO_STORE };
  };
}

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

function identityHeaders(identity: AccessIdentity, groupIds: boolean): Record<string, string> {
  const user = headerValue(identity.userName);
  const headers: Record<string, string> = {
    ...NO_STORE,
    'X-Auth-Request-User': user,
    'X-Auth-Request-Preferred-Username': user,
    'X-Auth-Request-Groups': identity.groups.map((g) => headerValue(g.displayName)).join(','),
  };
  if (groupIds) headers['X-Auth-Request-Group-Ids'] = identity.groups.map((g) => g.id).join(',');
  if (identity.email) headers['X-Auth-Request-Email'] = headerValue(identity.email);
  return headers;
}

/** Node refuses header values outside Latin-1 (and CR/LF would split headers): encode them. */
export function headerValue(value: string): string {
  return value.replace(/[^\x20-\x24\x26-\x2b\x2d-\x7e]/gu, (ch) => encodeURIComponent(ch));
}
