/**
 * The /scim/v2 router: bearer authentication, body size limit, and one error renderer that
 * answers every failure — ours, hono's, or an unexpected one — as an RFC 7644 §3.12 body.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestLog } from '../http/request-context.js';
import { scimBearerAuth } from './bearer-auth.js';
import type { ScimDeps } from './deps.js';
import { discoveryRoutes } from './discovery-routes.js';
import { groupRoutes } from './groups-routes.js';
import { renderScimError } from './http/respond.js';
import { ScimError } from './protocol/errors.js';
import { userRoutes } from './users-routes.js';

export type { ScimDeps, ScimLimits } from './deps.js';
export { DEFAULT_SCIM_LIMITS } from './deps.js';

export function scimRoutes(deps: ScimDeps): Hono {
  const app = new Hono();
  app.use('*', scimBearerAuth(deps.tokens));
  // Only where a body is expected: the limit reads the raw request stream, which costs every GET.
  const limitBody = bodyLimit({
    maxSize: deps.limits.maxPayloadBytes,
    onError: () => {
      throw new ScimError({ status: 413, detail: `request body exceeds ${deps.limits.maxPayloadBytes} bytes` });
    },
  });
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'DELETE' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  app.route('/Users', userRoutes(deps));
  app.route('/Groups', groupRoutes(deps));
  app.route('/', discoveryRoutes(deps));
  // A mounted app's notFound is not consulted by its parent, so unknown SCIM paths end here.
  app.all('*', (c) => renderScimError(new ScimError({ status: 404, detail: `no SCIM endpoint ${c.req.method} ${c.req.path}` }), c, requestLog(c)));
  app.onError((error, c) => renderScimError(error, c, requestLog(c)));
  return app;
}
