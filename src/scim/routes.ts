/**
 * The /scim/v2 router: bearer authentication in front of every endpoint. Errors are not answered
 * here: whatever a SCIM endpoint or middleware throws reaches the app's one error handler
 * (src/app.ts), which answers under /scim/v2 with an RFC 7644 §3.12 body (src/scim/http/respond.ts).
 * (The body size limit is applied where bodies are read: src/scim/http/body.ts.)
 */
import { Hono, type Context, type Handler, type Next } from 'hono';
import { requestLog } from '../http/request-context.js';
import { bearerAuthenticator } from './bearer-auth.js';
import type { ScimDeps } from './deps.js';
import { discoveryRoutes } from './discovery-routes.js';
import { groupRoutes } from './groups-routes.js';
import { renderScimError } from './http/respond.js';
import { ScimError } from './protocol/errors.js';
import { rateLimited } from './rate-limit.js';
import { userRoutes } from './users-routes.js';

export type { ScimDeps, ScimLimits } from './deps.js';
export { DEFAULT_SCIM_LIMITS } from './deps.js';
export { createTokenRateLimiter, type ScimRateLimit } from './rate-limit.js';

export function scimRoutes(deps: ScimDeps): Hono {
  const routers = new Hono();
  routers.route('/Users', userRoutes(deps));
  routers.route('/Groups', groupRoutes(deps));
  routers.route('/', discoveryRoutes(deps));
  // Every entry (an endpoint, or a middleware a router added with use()) is mounted as it is, in
  // its order, behind authentication — which runs once per request, in whichever entry comes
  // first. Not authentication as a middleware of its own: a request matching two entries is
  // composed by hono asynchronously (and the node adapter takes its promise path), which cost a
  // GET more than its reads; a request matching one entry, as all do without added middleware,
  // is answered synchronously. No catch-all route here either, for the same reason: unknown SCIM
  // paths reach the app's notFound, which answers with scimNotFound.
  // Authentication, then the token's rate limit (src/scim/rate-limit.ts): both before any SCIM work.
  const authenticate = rateLimited(bearerAuthenticator(deps.tokens), deps.rateLimiter);
  const app = new Hono();
  for (const entry of routers.routes) app.on(entry.method, entry.path, authenticated(entry.handler as Entry, authenticate) as Handler);
  return app;
}

/** The answer for a path under /scim/v2 that no endpoint serves: authenticated like any other, then a SCIM 404. */
export function scimNotFound(deps: Pick<ScimDeps, 'tokens' | 'rateLimiter'>): (c: Context) => Response {
  const authenticate = rateLimited(bearerAuthenticator(deps.tokens), deps.rateLimiter);
  return (c) => {
    try {
      authenticate(c);
      throw new ScimError({ status: 404, code: 'no-endpoint', detail: `no SCIM endpoint ${c.req.method} ${c.req.path}` });
    } catch (error) {
      return renderScimError(error, c, requestLog(c));
    }
  };
}

/** An endpoint answers at once or later; a middleware calls `next`. */
type Entry = (c: Context, next: Next) => Response | void | Promise<Response | void>;

/** Endpoints never call `next`. */
const noNext: Next = async () => {};

/**
 * The entry behind authentication, keeping its arity: hono's route tools (and the OpenAPI check
 * in test/openapi.test.ts) tell middleware from endpoints by whether the function takes `next`.
 */
function authenticated(entry: Entry, authenticate: (c: Context) => void): Entry {
  const once = (c: Context): void => {
    if (c.get('scimToken') === undefined) authenticate(c);
  };
  if (entry.length < 2) {
    return (c) => {
      once(c);
      return entry(c, noNext);
    };
  }
  return (c, next) => {
    once(c);
    return entry(c, next);
  };
}
