/**
 * What a signed-in browser can do with its session: see who it is (`/oauth2/userinfo`, JSON in
 * oauth2-proxy's shape), land after sign-in (`/oauth2/signed_in`) and sign out
 * (`/oauth2/sign_out?rd=…`: revoked server-side, cookie cleared, safe redirect).
 */
import type { Context, Hono } from 'hono';
import { requestLog } from '../../http/request-context.js';
import { safeRedirect } from '../redirect.js';
import { SESSION_REVOKE_REASON } from '../sessions/revoke-reasons.js';
import { escapeHtml } from './error-page.js';
import type { SignInContext } from './sign-in-routes.js';

export function mountSession(app: Hono, { deps, cookies, redirects }: SignInContext): void {
  app.get('/oauth2/userinfo', (c) => {
    c.header('Cache-Control', 'no-store');
    const identity = deps.decider.identify(cookies.readSession(c));
    if (!identity) return c.json({ error: 'unauthenticated', error_description: 'not signed in' }, 401);
    return c.json({
      user: identity.userName,
      email: identity.email ?? null,
      groups: identity.groups.map((g) => g.displayName),
      preferredUsername: identity.userName,
    });
  });

  app.get('/oauth2/signed_in', (c) => {
    c.header('Cache-Control', 'no-store');
    const identity = deps.decider.identify(cookies.readSession(c));
    if (!identity) return c.redirect('/oauth2/start', 302);
    return c.html(page('Signed in', `You are signed in as <b>${escapeHtml(identity.userName)}</b>.`));
  });

  const signOut = (c: Context): Response => {
    c.header('Cache-Control', 'no-store');
    const secret = cookies.readSession(c);
    if (secret) {
      const revoked = deps.sessions.revoke(secret, SESSION_REVOKE_REASON.signOut);
      deps.decider.forget(secret);
      if (revoked) requestLog(c).info({}, 'signed out');
    }
    cookies.clearSession(c);
    const target = safeRedirect(c.req.query('rd'), redirects, '');
    if (target !== '') return c.redirect(target, 302);
    return c.html(page('Signed out', 'You are signed out.'));
  };
  app.get('/oauth2/sign_out', signOut);
  app.post('/oauth2/sign_out', signOut);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${body}</p></body></html>
`;
}
