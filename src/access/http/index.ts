/**
 * The access HTTP surface under /oauth2: sign-in (start, callback), session (userinfo,
 * signed_in, sign_out) and forward auth (auth). Built once from AccessRouteDeps; options are
 * validated here, at build time, not per request.
 */
import { Hono } from 'hono';
import { requestLog } from '../../http/request-context.js';
import { signInCookies } from './cookies.js';
import type { AccessRouteDeps } from './deps.js';
import { mountForwardAuth } from './forward-auth-route.js';
import { createPendingLoginSeal } from './pending-login-seal.js';
import { mountSession } from './session-routes.js';
import { mountSignIn, type SignInContext } from './sign-in-routes.js';

export type { AccessRouteDeps } from './deps.js';
export { decisionResponder, headerValue, type DecisionResponder } from './decision-response.js';
export { refusalPage, renderRefusal } from './error-page.js';
export { createPendingLoginSeal } from './pending-login-seal.js';
export { SIGNED_IN_PATH } from './sign-in-routes.js';

export function accessRoutes(deps: AccessRouteDeps): Hono {
  if (!deps.callbackPath.startsWith('/')) throw new Error('callbackPath must start with "/"');
  const context: SignInContext = {
    deps,
    seal: createPendingLoginSeal(deps.pendingLoginKey),
    cookies: signInCookies({
      sessionName: deps.sessionCookie.name,
      secure: deps.sessionCookie.secure,
      sessionMaxAgeSeconds: deps.sessionCookie.absoluteTtlSeconds,
      loginMaxAgeSeconds: deps.loginTtlSeconds,
    }),
    redirects: { publicUrl: deps.publicUrl, allowedDomains: deps.allowedRedirectDomains },
  };
  const app = new Hono();
  mountForwardAuth(app, context);
  mountSignIn(app, context);
  mountSession(app, context);
  return app;
}
