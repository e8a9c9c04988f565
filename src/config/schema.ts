/**
 * The shape of the configuration file (after environment variables are merged in), as a zod 4
 * schema. Field-local rules live here; rules that span fields (exactly one client authentication,
 * tenants for multi-tenant issuers, …) and reading secret files live in resolve.ts.
 * docs/configuration.md documents every key; keep the two in step.
 */
import { z } from 'zod';
import { parseAllowedDomain } from '../shared/allowed-domain.js';
import { LOOPBACK_CIDRS, parseCidrList } from '../shared/cidr-list.js';
import { JWS_ALGS } from '../shared/jws-algs.js';
import { parseDuration, parseDurationMs } from '../shared/duration.js';
import { HOOK_EVENT_TYPES } from '../shared/hook-event-types.js';

const nonEmpty = z.string().trim().min(1);

const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a duration like "12h", "30m", "3600s" or a number of seconds, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return seconds;
});

/** A network timeout in milliseconds: more than 0, at most a day. */
const timeout = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === undefined || ms <= 0 || ms > 86_400_000) {
    ctx.addIssue({ code: 'custom', message: `must be a duration between 1ms and 1d like "15s", "500ms" or a number of seconds, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

const httpUrl = (what: string) =>
  nonEmpty.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: `must be an absolute http(s) URL (${what})`,
  });

const cidr = nonEmpty.superRefine((value, ctx) => {
  const parsed = parseCidrList([value]);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.join('; ') });
});

const domain = nonEmpty.superRefine((value, ctx) => {
  if (!parseAllowedDomain(value)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a host ("app.example.com"), a suffix (".example.com"), optionally with ":port"` });
  }
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


export const serverSchema = z.strictObject({
  // Loopback by default: a fresh install is not exposed until someone decides to (the image sets HOST=0.0.0.0).
  host: nonEmpty.default('127.0.0.1'),
  port: z.number().int().min(1).max(65_535).default(8080),
  publicUrl: httpUrl('e.g. https://auth.example.com')
    .refine((value) => !URL.canParse(value) || isOriginOnly(new URL(value)), {
      message: 'must be an origin only, e.g. https://auth.example.com (no path, query or credentials)',
    })
    .optional(),
  /** Named opt-in for an http:// publicUrl that is not loopback (cookies then travel in clear). */
  allowInsecurePublicUrl: z.boolean().default(false),
  trustedProxies: z.array(cidr).default([...LOOPBACK_CIDRS]),
  /**
   * How long a client may take to send a request; slower ones get node's 408 and lose the
   * connection, bearer-token holders included. Well under node's own 300 s, so that slow or
   * stalled clients cannot hold sockets (and memory) for minutes.
   */
  timeouts: z
    .strictObject({
      headers: timeout.default(15_000),
      request: timeout.default(30_000),
      keepAlive: timeout.default(5_000),
    })
    .prefault({}),
});

export const databaseSchema = z.strictObject({
  path: nonEmpty.default('./data/scimgate.db'),
});

export const scimSchema = z.strictObject({
  /** Bootstrap bearer token for the provisioning client (more via `scimgate token`). */
  token: z.string().min(32).optional(),
  tokenFile: nonEmpty.optional(),
  maxResults: z.number().int().min(1).max(10_000).default(200),
  maxPayloadBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1_048_576),
  /** Memory for remembered SCIM read answers (src/scim/http/read-cache.ts); 0 turns them off. */
  readCacheMb: z.number().int().min(0).max(4096).default(16),
  /**
   * Each SCIM token's share of the server (src/scim/rate-limit.ts): requests per second, sustained,
   * and at once after idling; beyond it 429 with Retry-After. Defaults well above what Entra sends
   * (a few tens a second per app); requestsPerSecond 0 turns the limit off.
   */
  rateLimit: z
    .strictObject({
      requestsPerSecond: z.number().int().min(0).max(100_000).default(200),
      burst: z.number().int().min(1).max(1_000_000).default(400),
    })
    .prefault({}),
});

export const oidcSchema = z.strictObject({
  issuer: httpUrl('the provider issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0'),
  clientId: nonEmpty,
  clientSecret: nonEmpty.optional(),
  clientSecretFile: nonEmpty.optional(),
  /** How a client secret is sent: HTTP Basic (default) or in the form body. */
  clientSecretMethod: z.enum(['basic', 'post']).default('basic'),
  privateKeyJwt: z
    .strictObject({
      keyFile: nonEmpty,
      kid: nonEmpty.optional(),
      alg: z.enum(JWS_ALGS).default('RS256'),
    })
    .optional(),
  federatedTokenFile: nonEmpty.optional(),
  /** The algorithm the provider signs this client's ID tokens with (its registration says which). */
  idTokenAlg: z.enum(JWS_ALGS).default('RS256'),
  scopes: z.array(nonEmpty).min(1).default(['openid', 'profile', 'email']),
  redirectPath: nonEmpty
    .refine((value) => /^\/(?![/\\])[^\s?#]*$/.test(value), { message: 'must be a path starting with "/", e.g. /oauth2/callback' })
    .default('/oauth2/callback'),
  /** Named opt-in for an http:// issuer that is not loopback (development and tests only). */
  allowInsecureHttpIssuer: z.boolean().default(false),
  entra: z
    .strictObject({
      allowedTenants: z.array(nonEmpty.regex(GUID, { message: 'must be a tenant id (GUID)' })).default([]),
    })
    .prefault({}),
  link: z
    .strictObject({
      /** ID-token claim holding the immutable user id. */
      claim: nonEmpty.default('oid'),
      /** Directory attribute it must equal. */
      attribute: nonEmpty.default('externalId'),
      /** ID-token claim holding the tenant id; null for providers without tenants. */
      tenantClaim: nonEmpty.nullable().default('tid'),
    })
    .prefault({}),
});

export const sessionsSchema = z.strictObject({
  cookieName: nonEmpty
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { message: 'must be a cookie name token (letters, digits, -_.)' })
    .optional(),
  absoluteTtl: duration.default(12 * 3600),
  idleTtl: duration.default(3600),
  loginTtl: duration.default(600),
});

export const redirectsSchema = z.strictObject({
  /** Defaults to the public URL's host only (see resolve.ts). */
  allowedDomains: z.array(domain).optional(),
});

export const routeSchema = z.strictObject({
  host: nonEmpty
    .refine((value) => parseAllowedDomain(value) !== undefined && !value.startsWith('.'), {
      message: 'must be a host name, e.g. app.example.com',
    })
    .optional(),
  pathPrefix: nonEmpty.refine((value) => value.startsWith('/'), { message: 'must start with "/"' }).default('/'),
  /** Limit the route to these methods (a more specific route than one without). */
  methods: z.array(nonEmpty.regex(/^[A-Za-z]{1,20}$/, { message: 'must be an HTTP method such as GET or POST' })).min(1).optional(),
  /** Paths compare case-insensitively unless set (docs/policy.md, "Path matching"). */
  caseSensitive: z.boolean().default(false),
  /** Sugar for "member of any of these groups"; beside `policy` both must hold. */
  allowedGroups: z.array(nonEmpty).min(1).optional(),
  /** The route's access policy (src/access/policy/compile.ts), compiled and checked in resolve.ts. */
  policy: z.unknown().optional(),
});

export const forwardAuthSchema = z.strictObject({
  /**
   * Also send X-Auth-Request-Group-Ids (the effective groups' ids) beside X-Auth-Request-Groups.
   * Off by default: a proxy must hold every auth-response header in one buffer (nginx
   * proxy_buffer_size, 4k or 8k), and ids double the header for a user in many groups.
   */
  groupIdsHeader: z.boolean().default(false),
});

export const adminSchema = z.strictObject({
  /** Bearer token for the admin API (/admin/v1); absent: the admin API is not served. */
  token: z.string().min(32).optional(),
  tokenFile: nonEmpty.optional(),
});

/** A duration in milliseconds, more than 0 and at most `maxMs`. */
const durationMs = (maxMs: number, example: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined || ms <= 0 || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like ${example} (more than 0, at most ${maxMs / 1000}s), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

const WEEK_MS = 7 * 86_400_000;

/** One webhook secret: its value, a file holding it, or an environment variable holding it. */
const webhookSecretSchema = z
  .strictObject({ value: nonEmpty.optional(), file: nonEmpty.optional(), env: nonEmpty.optional() })
  .refine((s) => [s.value, s.file, s.env].filter((v) => v !== undefined).length === 1, { message: 'set exactly one of value, file or env' });

export const webhookSchema = z.strictObject({
  /** Stable: keys the subscriber's cursor in the database ('webhook:<name>'). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ".", "_" and "-", at most 64, starting with a letter or digit'),
  url: httpUrl('the receiver, e.g. https://hooks.example.com/scimgate'),
  /** Named opt-in for an http:// URL that is not loopback (bodies and signatures then travel in clear). */
  allowInsecureHttp: z.boolean().default(false),
  /** Event types to send; default every type. */
  events: z.array(z.enum(HOOK_EVENT_TYPES)).min(1).optional(),
  /** One secret, or two while rotating (both signatures are sent). */
  secrets: z.array(webhookSecretSchema).min(1).max(2),
  timeout: durationMs(300_000, '"10s"').default(10_000),
  maxAge: durationMs(30 * 86_400_000, '"24h"').default(86_400_000),
  backoff: z
    .strictObject({ initial: durationMs(3_600_000, '"1s"').default(1_000), max: durationMs(86_400_000, '"10m"').default(600_000) })
    .prefault({}),
});

export const hooksSchema = z.strictObject({
  /** How often the delivery worker looks for events other processes appended (its own wake it at once). */
  pollInterval: durationMs(60_000, '"1s" or "100ms"').default(1_000),
  /** How long delivered events and finished deliveries are kept (replay reaches this far back). */
  retention: durationMs(365 * 86_400_000, '"7d"').default(WEEK_MS),
  webhooks: z.array(webhookSchema).default([]),
});

export const auditSchema = z.strictObject({
  /** Audit rows older than this are deleted (whole prefixes, the cut recorded: docs/audit.md); "forever" keeps them. */
  retention: z.union([z.literal('forever'), duration.refine((seconds) => seconds >= 3600, { message: 'must be at least 1h (or "forever")' })]).default(365 * 86_400),
});

/** The OpenID Shared Signals transmitter (src/ssf/); docs/hooks.md. */
export const ssfSchema = z.strictObject({
  /** Serve /.well-known/ssf-configuration and /ssf/*, and deliver to SSF streams. */
  enabled: z.boolean().default(false),
  /** SSF 1.0 `default_subjects`: ALL (every user unless the receiver removes them) or NONE (only subjects added). */
  defaultSubjects: z.enum(['ALL', 'NONE']).default('ALL'),
  /** A new SET signing key after this long; the old one stays published for `keyOverlap`. */
  keyRotation: duration.refine((s) => s >= 3600, { message: 'must be at least 1h' }).default(90 * 86_400),
  keyOverlap: duration.refine((s) => s >= 60, { message: 'must be at least 60s' }).default(7 * 86_400),
  /** How long one push (RFC 8935) may take before it counts as failed and is retried. */
  pushTimeout: timeout.default(10_000),
  /** Named opt-in for receivers' http:// push endpoints (development and tests only). */
  allowInsecurePush: z.boolean().default(false),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const fileSchema = z.strictObject({
  server: serverSchema.prefault({}),
  database: databaseSchema.prefault({}),
  scim: scimSchema.prefault({}),
  oidc: oidcSchema.optional(),
  sessions: sessionsSchema.prefault({}),
  redirects: redirectsSchema.prefault({}),
  routes: z.array(routeSchema).default([]),
  forwardAuth: forwardAuthSchema.prefault({}),
  admin: adminSchema.prefault({}),
  audit: auditSchema.prefault({}),
  ssf: ssfSchema.prefault({}),
  hooks: hooksSchema.prefault({}),
  logging: loggingSchema.prefault({}),
});

/** What a config file (or `overrides`) may contain. */
export type ConfigFileInput = z.input<typeof fileSchema>;
/** The file after validation and defaults, before cross-field resolution. */
export type ParsedFile = z.output<typeof fileSchema>;

function isOriginOnly(url: URL): boolean {
  return url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
}
