/**
 * The /scim/v2 router: bearer authentication and one error renderer that answers every failure —
 * ours, hono's, or an unexpected one — as an RFC 7644 §3.12 body. (The body size limit is
 * applied where bodies are read: src/scim/http/body.ts.)
 */
import { Hono, type Context, type Handler, type Next } from 'hono';
import { requestLog } from '../http/request-context.js';
import { bearerAuthenticator } from './bearer-auth.js';
import type { ScimDeps } from './deps.js';
import { discoveryRoutes } from './discovery-routes.js';
import { groupRoutes } from './groups-routes.js';
import { renderScimError } from './http/respond.js';
import { ScimError } from './protocol/errors.js';
import { userRoutes } from './users-routes.js';

export type { ScimDeps, ScimLimits } from './deps.js';
export { DEFAULT_SCIM_LIMITS } from './deps.js';

export function scimRoutes(deps: ScimDeps): Hono {
  const endpoints = new Hono();
  endpoints.route('/Users', userRoutes(deps));
  endpoints.route('/Groups', groupRoutes(deps));
  endpoints.route('/', discoveryRoutes(deps));
  // Each endpoint is mounted with authentication and the error renderer wrapped around it, not
  // as middleware and an onError: either makes hono run every SCIM request through its async
  // compose (and the node adapter down its promise path), which cost a GET more than its reads.
  // For the same reason there is no catch-all route here — a request matching two routes is
  // composed too: unknown SCIM paths reach the app's notFound (composed, as hono does for every
  // unmatched request), which answers with scimNotFound.
  const authenticate = bearerAuthenticator(deps.tokens);
  const app = new Hono();
  for (const endpoint of endpoints.routes) app.on(endpoint.method, endpoint.path, guarded(endpoint.handler as Endpoint, authenticate) as Handler);
  return app;
}

/** The answer for a path under /scim/v2 that no endpoint serves: authenticated like any other, then a SCIM 404. */
export function scimNotFound(deps: Pick<ScimDeps, 'tokens'>): (c: Context) => Response {
  const authenticate = bearerAuthenticator(deps.tokens);
  return (c) => {
    try {
      authenticate(c);
      throw new ScimError({ status: 404, detail: `no SCIM endpoint ${c.req.method} ${c.req.path}` });
    } catch (error) {
      return renderScimError(error, c, requestLog(c));
    }
  };
}

type Endpoint = (c: Context, next: Next) => Response | Promise<Response | void>;

/** Endpoints never call `next`; one parameter keeps the wrapper a handler, not a middleware, to hono's route tools. */
const noNext: Next = async () => {};

function guarded(endpoint: Endpoint, authenticate: (c: Context) => void): (c: Context) => Response | Promise<Response | void> {
  return (c) => {
    try {
      authenticate(c);
      const response = endpoint(c, noNext);
      return response instanceof Promise ? response.catch((error: unknown) => renderScimError(error, c, requestLog(c))) : response;
    } catch (error) {
      return renderScimError(error, c, requestLog(c));
    }
  };
}
