/**
 * The admin API under /admin/v1, behind its own bearer token (admin-auth.ts). Every answer is
 * JSON; every refusal is `{ "error": code, "error_description": text }` (RFC 6750's shape) with
 * a 4xx status that says what to fix. Nothing here writes: it explains decisions over the live
 * directory and the routes current at the time of the request.
 *
 * - `POST /admin/v1/policy/explain` `{user, url, method?, ip?, at?, claims?, sessionAge?,
 *   authAge?}` → the decision (allow, deny, or conditional on the facts not given) and the
 *   evaluated policy tree (src/access/explain.ts).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { requestHeader } from '../../http/request-header.js';
import { parseDuration } from '../../shared/duration.js';
import { explainAccess, type ExplainDeps } from '../explain.js';
import { adminAuth } from './admin-auth.js';

export interface AdminRouteDeps {
  token: string;
  /** Whether a bearer value is a live SCIM provisioning token (for a 403 that says so). */
  isScimToken(bearer: string): boolean;
  explain: ExplainDeps;
}

const MAX_BODY_BYTES = 16 * 1024;

const duration = z.union([z.string().max(64), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as "90s", "30m", "2h" or a number of seconds' });
  return seconds ?? 0;
});

const explainBody = z.strictObject({
  user: z.string().trim().min(1).max(1024),
  url: z.string().min(1).max(8192),
  method: z.string().regex(/^[A-Za-z]{1,20}$/, { message: 'must be an HTTP method such as GET or POST' }).optional(),
  ip: z.string().min(1).max(64).optional(),
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-12-02T10:00:00Z' }).optional(),
  /** The session's ID-token claims; absent: unknown. */
  claims: z.record(z.string().max(256), z.unknown()).optional(),
  sessionAge: duration.optional(),
  authAge: duration.optional(),
});

export function adminRoutes(deps: AdminRouteDeps): Hono {
  const check = adminAuth(deps.token, deps.isScimToken);
  const app = new Hono();

  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    const refused = check(requestHeader(c, 'authorization'));
    if (refused) {
      c.header('WWW-Authenticate', `Bearer realm="scimgate-admin"${refused.error === 'unauthorized' ? '' : `, error="${refused.error}"`}`);
      return c.json({ error: refused.error, error_description: refused.description }, refused.status);
    }
    await next();
  });

  app.post('/policy/explain', async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return c.json({ error: 'invalid_request', error_description: body.message }, body.status);
    const parsed = explainBody.safeParse(body.value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message}`);
      return c.json({ error: 'invalid_request', error_description: problems.join('; ') }, 400);
    }
    const { at, ...rest } = parsed.data;
    const result = explainAccess({ ...rest, ...(at ? { at: new Date(at) } : {}) }, deps.explain);
    if (!result.ok) {
      const status = result.error.code === 'user_not_found' ? 404 : 400;
      return c.json({ error: result.error.code, error_description: result.error.message }, status);
    }
    return c.json(result.value, 200);
  });

  app.notFound((c) => c.json({ error: 'not_found', error_description: `no admin endpoint ${c.req.method} ${c.req.path}` }, 404));
  return app;
}

type Body = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

async function jsonBody(c: Context): Promise<Body> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) return { ok: false, status: 415, message: 'send the body as application/json' };
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, status: 413, message: `the body is over ${MAX_BODY_BYTES} bytes` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid JSON' };
  }
}
