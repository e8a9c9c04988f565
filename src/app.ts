/**
 * createApp(deps): the whole HTTP surface, built only from what it is given (no globals),
 * so tests and the server run the same app. createNodeListener(deps) is what the server
 * listens with: the same app, behind node fast paths that answer exactly as its routes do.
 */
import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { getPath } from 'hono/utils/url';
import type { Logger } from 'pino';
import { accessRoutes, isForwardAuthRequest, renderRefusal, type AccessRouteDeps, type NodeFastPath } from './access/http/index.js';
import { adminRoutes } from './access/admin/index.js';
import type { ExplainDeps } from './access/explain.js';
import type { Directory } from './directory/index.js';
import { answerAfterCommit } from './http/answer-after-commit.js';
import { batchPerLoopTurn } from './http/batched-listener.js';
import { silentLogger } from './http/logger.js';
import { isScimPath, serverFailureLogMessage, serverFailureOf, serverFailureResponse, UNSTORED_FAILURE } from './http/server-error.js';
import { requestLog, withRequestContext } from './http/request-context.js';
import { liberalScimPath } from './scim/http/liberal-path.js';
import { createPageCursors } from './scim/http/page-cursor.js';
import { createReadCache } from './scim/http/read-cache.js';
import { renderScimError } from './scim/http/respond.js';
import { createTokenRateLimiter, DEFAULT_SCIM_LIMITS, scimNotFound, scimRoutes, type ScimLimits, type ScimRateLimit } from './scim/routes.js';
import type { TokenService } from './tokens/index.js';
import type { AuditedWrites } from './persistence/audit.js';

export interface AppDeps {
  directory: Directory;
  tokens: Pick<TokenService, 'verify'>;
  logger?: Logger;
  scimLimits?: ScimLimits;
  /** Public base URL (e.g. https://id.example.com); derived from each request when absent. */
  publicUrl?: string | undefined;
  /** Seals RFC 9865 cursors; every server on one database needs the same key. Default: a random key per app. */
  pageCursorKey?: Uint8Array;
  /** Budget of remembered SCIM read answers in estimated bytes (src/scim/http/read-cache.ts); 0 turns it off. */
  scimReadCacheBytes?: number;
  /**
   * Each SCIM token's share of the server: requests per second and burst, 429 beyond them
   * (src/scim/rate-limit.ts). Absent: no limit (the server passes `scim.rateLimit`, default on).
   */
  scimRateLimit?: ScimRateLimit | undefined;
  /** Milliseconds that never go back, for the rate limit (tests inject one). Default: performance.now. */
  monotonicClock?: (() => number) | undefined;
  /** Middleware added with `use()` to every SCIM router (src/scim/deps.ts). */
  scimMiddleware?: readonly MiddlewareHandler[] | undefined;
  /** Each stored SCIM write's audit row, in the write's transaction (src/scim/write-audit.ts); no rows without it. */
  scimAudit?: AuditedWrites | undefined;
  /** Sign-in and forward auth under /oauth2; absent when no OIDC provider is configured. */
  access?: AccessRouteDeps | undefined;
  /** The admin API under /admin/v1; absent when no admin token is configured. */
  admin?: { token: string; explain: ExplainDeps } | undefined;
  /** The Shared Signals transmitter's routes (src/ssf/: /.well-known/ssf-configuration, /ssf/*); absent when `ssf.enabled` is off. */
  ssf?: Hono | undefined;
}

export function createApp(deps: AppDeps): Hono {
  return buildApp(deps).app;
}

/**
 * The server's request listener: requests handled in batches per event-loop turn, their writes
 * committed together (src/http/batched-listener.ts); the hottest — forward auth, asked on every
 * proxied request — answered from node's objects (src/access/http/forward-auth-node.ts), the rest
 * by the app.
 */
export function createNodeListener(deps: AppDeps, options: { defaultHostname?: string } = {}): { app: Hono; listener: RequestListener } {
  const { app: hono, fastPaths } = buildApp(deps);
  // Looked up per request, so a test can watch which requests reach the app. The default
  // hostname answers requests without a Host header (HTTP/1.0 health checks).
  const framework = getRequestListener((request, env) => hono.fetch(request, env), options.defaultHostname === undefined ? {} : { hostname: options.defaultHostname });
  const app: RequestListener = (incoming, outgoing) => void framework(incoming, outgoing);
  // Forward-auth decisions go first in their batch: every proxied page waits on one, while SCIM
  // work in the same batch can wait its turn (src/http/batched-listener.ts).
  const listener = batchPerLoopTurn(
    (incoming, outgoing) => {
      for (const fastPath of fastPaths) if (fastPath(incoming, outgoing, app)) return;
      app(incoming, outgoing);
    },
    deps.logger ?? silentLogger(),
    deps.directory.writes,
    deps.access ? isForwardAuthRequest : undefined,
  );
  return { app: hono, listener };
}

function buildApp(deps: AppDeps): { app: Hono; fastPaths: NodeFastPath[] } {
  const logger = deps.logger ?? silentLogger();
  const fastPaths: NodeFastPath[] = [];
  // One limiter for the SCIM routes and the SCIM 404: a token's share counts every request it makes.
  const rateLimiter = deps.scimRateLimit ? createTokenRateLimiter(deps.scimRateLimit, deps.monotonicClock) : undefined;
  // SCIM endpoint names are routed in any letter case and with a trailing slash (src/scim/http/liberal-path.ts).
  const app = new Hono({ getPath: (request) => liberalScimPath(getPath(request)) });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route(
    '/scim/v2',
    scimRoutes({
      directory: deps.directory,
      tokens: deps.tokens,
      limits: deps.scimLimits ?? DEFAULT_SCIM_LIMITS,
      baseUrl: deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}/scim/v2` : undefined,
      cursors: createPageCursors(deps.pageCursorKey),
      readCache: deps.scimReadCacheBytes === 0 ? undefined : createReadCache(deps.directory.version, { maxBytes: deps.scimReadCacheBytes }),
      middleware: deps.scimMiddleware,
      audit: deps.scimAudit,
      rateLimiter,
    }),
  );
  if (deps.admin) {
    const tokens = deps.tokens;
    app.route('/admin/v1', adminRoutes({ ...deps.admin, isScimToken: (bearer) => tokens.verify(bearer) !== undefined }));
  }
  if (deps.ssf) app.route('/', deps.ssf);
  if (deps.access) {
    const access = accessRoutes(deps.access);
    app.route('/', access.app);
    fastPaths.push(access.forwardAuthFastPath(logger));
  }
  const scimMissing = scimNotFound({ tokens: deps.tokens, rateLimiter });
  app.notFound((c) => {
    if (isScimPath(c.req.path)) return scimMissing(c);
    // Without OIDC there is no /oauth2 surface; say so instead of a bare 404 (handled here, not
    // as a route, so a SCIM-only app serves exactly the SCIM routes).
    return !deps.access && c.req.path.startsWith('/oauth2/') ? renderRefusal(c, 'sign_in_disabled') : c.json({ error: 'not_found', error_description: `no route ${c.req.method} ${c.req.path}` }, 404);
  });
  // The one error path: SCIM endpoints and their middleware answer in SCIM's format, the rest
  // with OAuth's error JSON; 500 and 503 bodies are written by src/http/server-error.ts.
  app.onError((error, c) => {
    if (isScimPath(c.req.path)) return renderScimError(error, c, requestLog(c));
    const failure = serverFailureOf(error);
    requestLog(c).error({ err: error }, serverFailureLogMessage(failure));
    return serverFailureResponse(c.req.raw, failure);
  });
  // Served (and app.request in tests) through the context wrapper; see src/http/request-context.ts.
  // Inside it, answers wait for the commit of writes grouped with theirs (src/http/answer-after-commit.ts).
  app.fetch = withRequestContext(answerAfterCommit(app.fetch, deps.directory.writes, failedCommitAnswer, logger), logger);
  return { app, fastPaths };
}

/** 503 for a request handled inside a group of writes that rolled back, in the format of the endpoint asked. */
function failedCommitAnswer(request: Request): Response {
  return serverFailureResponse(request, UNSTORED_FAILURE);
}
