/**
 * The access HTTP surface under /oauth2: sign-in (start, callback), session (userinfo,
 * signed_in, sign_out) and forward auth (auth). Built once from AccessRouteDeps; options are
 * validated here, at build time, not per request.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { requestLog } from '../../http/request-context.js';
import { signInCookies } from './cookies.js';
import type { AccessRouteDeps } from './deps.js';
import { createForwardAuth, socketAddress } from './forward-auth.js';
import { forwardAuthFastPath, type NodeFastPath } from './forward-auth-node.js';
import { mountForwardAuth } from './forward-auth-route.js';
import { createPendingLoginSeal } from './pending-login-seal.js';
import { mountSession } from './session-routes.js';
import { mountSignIn, type SignInContext } from './sign-in-routes.js';

export type { AccessRouteDeps } from './deps.js';
export { decisionAnswerer, headerValue, type DecisionAnswer } from './decision-response.js';
export { isForwardAuthRequest, type NodeFastPath } from './forward-auth-node.js';
export { refusalPage, renderRefusal } from './error-page.js';
export { createPendingLoginSeal } from './pending-login-seal.js';
export { SIGNED_IN_PATH } from './sign-in-routes.js';

/** The /oauth2 routes, and forward auth's node fast path (forward-auth-node.ts) answering the same as its route. */
export interface AccessHttp {
  app: Hono;
  forwardAuthFastPath(logger: Logger): NodeFastPath;
}

export function accessRoutes(deps: AccessRouteDeps): AccessHttp {
  if (!deps.callbackPath.startsWith('/')) throw new Error('callbackPath must start with "/"');
  const peer = deps.remoteAddress ?? socketAddress;
  const context: SignInContext = {
    deps,
    peer,
    seal: createPendingLoginSeal(deps.pendingLoginKey),
    cookies: signInCookies({
      sessionName: deps.sessionCookie.name,
      secure: deps.sessionCookie.secure,
      sessionMaxAgeSeconds: deps.sessionCookie.absoluteTtlSeconds,
      loginMaxAgeSeconds: deps.loginTtlSeconds,
    }),
    redirects: { publicUrl: deps.publicUrl, allowedDomains: deps.allowedRedirectDomains },
  };
  const forwardAuth = createForwardAuth(context);
  const app = new Hono();
  mountForwardAuth(app, forwardAuth, peer);
  mountSignIn(app, context);
  mountSession(app, context);
  return { app, forwardAuthFastPath: (logger) => forwardAuthFastPath(forwardAuth, peer, logger) };
}
