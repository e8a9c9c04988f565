/**
 * Refused sign-ins become a short HTML page that says why, with the status that fits: 400 when
 * the browser's login went stale or was tampered with (start again), 403 when the identity is
 * not allowed here, 502 when the provider failed us, 503 while it has not been reached at all. Never a 500, never a stack trace; the
 * page shows a fixed message per stable code, not the internal reason (that goes to the log).
 */
import type { Context } from 'hono';

export interface RefusalPage {
  status: 400 | 403 | 404 | 502 | 503;
  title: string;
  message: string;
}

const START_AGAIN = 'Please go back to the application and sign in again.';

/** Sign-in failure codes (OIDC, linking, and this layer's own) → what the user is told. */
const PAGES: Record<string, RefusalPage> = {
  // This layer
  no_pending_login: { status: 400, title: 'Sign-in expired', message: `This sign-in was not started here, or it took too long. ${START_AGAIN}` },
  // OIDC: the browser's login is stale or was tampered with
  login_expired: { status: 400, title: 'Sign-in expired', message: `The sign-in took too long to complete. ${START_AGAIN}` },
  invalid_callback: { status: 400, title: 'Sign-in failed', message: `The identity provider's answer was incomplete. ${START_AGAIN}` },
  state_mismatch: { status: 400, title: 'Sign-in failed', message: `This answer does not belong to the sign-in this browser started. ${START_AGAIN}` },
  nonce_mismatch: { status: 400, title: 'Sign-in failed', message: `The identity token does not belong to this sign-in. ${START_AGAIN}` },
  pkce_failed: { status: 400, title: 'Sign-in failed', message: `The identity provider could not verify this sign-in. ${START_AGAIN}` },
  token_expired: { status: 400, title: 'Sign-in failed', message: `The identity token had already expired. Check the clock of this server, then ${START_AGAIN.toLowerCase()}` },
  // OIDC: the identity or token is not acceptable here
  issuer_mismatch: { status: 403, title: 'Sign-in refused', message: 'The identity token was not issued by the trusted identity provider.' },
  tenant_not_allowed: { status: 403, title: 'Organisation not allowed', message: 'Accounts from your organisation (tenant) may not sign in here.' },
  tenant_issuer_mismatch: { status: 403, title: 'Sign-in refused', message: 'The identity token names a different organisation than the one that issued it.' },
  audience_mismatch: { status: 403, title: 'Sign-in refused', message: 'The identity token was issued for another application.' },
  bad_signature: { status: 403, title: 'Sign-in refused', message: 'The identity token signature is not valid.' },
  unsupported_algorithm: { status: 403, title: 'Sign-in refused', message: 'The identity token is signed with an algorithm that is not accepted.' },
  invalid_id_token: { status: 403, title: 'Sign-in refused', message: 'The identity token is not valid.' },
  access_denied: { status: 403, title: 'Sign-in cancelled', message: 'The identity provider did not grant access (you may have cancelled the sign-in).' },
  // OIDC: the provider failed
  provider_error: { status: 502, title: 'Identity provider error', message: 'The identity provider refused to complete the sign-in. Try again later or contact your administrator.' },
  provider_unavailable: {
    status: 503,
    title: 'Sign-in temporarily unavailable',
    message: 'The identity provider cannot be reached right now, so nobody can sign in. Please try again in a minute. If you are already signed in, nothing changes for you.',
  },
  provider_unreachable: { status: 502, title: 'Identity provider unreachable', message: 'The identity provider could not be reached. Try again later.' },
  // Linking: a valid identity, but not a provisioned, active directory user
  missing_claim: { status: 403, title: 'Sign-in refused', message: 'Your identity token lacks the id this directory links accounts by. Contact your administrator.' },
  not_provisioned: { status: 403, title: 'No access', message: 'Your account has not been provisioned for this application. Ask your administrator to assign you to it.' },
  misconfigured: { status: 403, title: 'Sign-in is misconfigured', message: 'This server cannot link accounts with its current configuration. Contact your administrator.' },
  inactive: { status: 403, title: 'Account disabled', message: 'Your account is disabled for this application.' },
  // Sign-in not configured at all
  sign_in_disabled: { status: 404, title: 'Sign-in is not configured', message: 'This scimgate serves SCIM provisioning only: no OpenID provider is configured (see the oidc section of the configuration).' },
};

const FALLBACK: RefusalPage = { status: 403, title: 'Sign-in refused', message: 'The sign-in could not be completed.' };

export function refusalPage(code: string): RefusalPage {
  return PAGES[code] ?? FALLBACK;
}

export function renderRefusal(c: Context, code: string): Response {
  const page = refusalPage(code);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(page.title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
<p><small>Code: <code>${escapeHtml(code)}</code></small></p>
</body></html>
`;
  c.header('Cache-Control', 'no-store');
  return c.html(html, page.status);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
