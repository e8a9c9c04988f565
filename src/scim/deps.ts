/** What the SCIM router is built from. */
import type { MiddlewareHandler } from 'hono';
import type { Directory } from '../directory/index.js';
import type { AuditedWrites } from '../persistence/audit.js';
import type { TokenService } from '../tokens/index.js';
import type { PageCursors } from './http/page-cursor.js';
import type { ReadCache } from './http/read-cache.js';
import type { ListLimits } from './protocol/list.js';
import type { TokenRateLimiter } from './rate-limit.js';

export interface ScimLimits extends ListLimits {
  /** Largest accepted request body in bytes (413 above it). */
  maxPayloadBytes: number;
}

export interface ScimDeps {
  directory: Directory;
  tokens: Pick<TokenService, 'verify'>;
  limits: ScimLimits;
  /** Public base URL of the SCIM API (…/scim/v2); derived from each request when absent. */
  baseUrl?: string | undefined;
  /** Seals and opens RFC 9865 cursors (src/scim/http/page-cursor.ts). */
  cursors: PageCursors;
  /** Remembered read answers (src/scim/http/read-cache.ts); reads always go to the directory without one. */
  readCache?: ReadCache | undefined;
  /** Each token's share of the server (src/scim/rate-limit.ts); no limit without one. */
  rateLimiter?: TokenRateLimiter | undefined;
  /**
   * Middleware every SCIM endpoint runs behind (an audit trail, a rate limit, …): added with `use()`
   * to each SCIM router, after authentication. Hono composes a request with middleware
   * asynchronously, so none is the fast default.
   */
  middleware?: readonly MiddlewareHandler[] | undefined;
  /** Writes each stored change's audit row in the change's own transaction (src/scim/write-audit.ts); none without it. */
  audit?: AuditedWrites | undefined;
}

export const DEFAULT_SCIM_LIMITS: ScimLimits = { maxResults: 1000, defaultCount: 100, maxPayloadBytes: 4 * 1024 * 1024 };
