/**
 * From a schema-valid file to the Config every module receives: rules spanning several keys
 * (one client authentication, tenants for multi-tenant issuers, TTL ordering, cookie prefixes),
 * derived defaults (cookie name, redirect allow-list, redirect URI), and reading secret files.
 * Collects every problem rather than stopping at the first.
 */
import { compileRoutePolicy, DEFAULT_POLICY } from '../policy/route-policy.js';
import { parseCidrList } from '../shared/cidr-list.js';
import { fail, ok, type Result } from '../shared/result.js';
import type { ConfigProblem } from './problems.js';
import type { ParsedFile } from './schema.js';
import { checkReadable, readSecretFile } from './secret-file.js';
import type { Env } from './env.js';
import type { Config, HooksConfig, OidcClientAuth, OidcConfig, WebhookConfig } from './types.js';
import { parseWebhookSecret } from '../shared/webhook-secret.js';

type ParsedOidc = NonNullable<ParsedFile['oidc']>;

const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

/** `env` is read only for secrets a key names by variable (`hooks.webhooks[].secrets[].env`). */
export function resolveConfig(file: ParsedFile, env: Env = {}): Result<Config, ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  const publicUrl = resolvePublicUrl(file, report);
  const https = publicUrl.protocol === 'https:';

  const proxies = parseCidrList(file.server.trustedProxies);
  if (!proxies.ok) report('server.trustedProxies', proxies.error.join('; ')); // schema already checked each

  const { timeouts } = file.server;
  // Node refuses a headers timeout longer than the whole request's.
  if (timeouts.headers > timeouts.request) report('server.timeouts.headers', 'must not be longer than server.timeouts.request');

  const scimToken = resolveScimToken(file.scim, report);
  const adminToken = resolveAdminToken(file.admin, report);
  // A token that opens both would make the admin API exactly as open as provisioning.
  if (adminToken !== undefined && adminToken === scimToken) report('admin.token', 'must differ from the SCIM token');
  const oidc = file.oidc ? resolveOidc(file.oidc, publicUrl, report) : undefined;

  const { sessions } = file;
  if (sessions.absoluteTtl <= 0) report('sessions.absoluteTtl', 'must be longer than 0 seconds');
  if (sessions.idleTtl <= 0) report('sessions.idleTtl', 'must be longer than 0 seconds');
  if (sessions.loginTtl <= 0) report('sessions.loginTtl', 'must be longer than 0 seconds');
  if (sessions.idleTtl > sessions.absoluteTtl) report('sessions.idleTtl', 'must not be longer than sessions.absoluteTtl');
  // Browsers drop `__Host-`/`__Secure-` cookies that are not Secure, so sign-in would loop.
  if (sessions.cookieName && !https && /^__(Host|Secure)-/i.test(sessions.cookieName)) {
    report('sessions.cookieName', 'the __Host-/__Secure- prefixes need an https server.publicUrl');
  }
  const cookieName = sessions.cookieName ?? (https ? '__Host-scimgate_session' : 'scimgate_session');

  const routes = file.routes.map((route, index) => {
    // http_path compares as the route matches paths: case-folded unless the route is caseSensitive.
    const compiled = compileRoutePolicy({ policy: route.policy, allowedGroups: route.allowedGroups }, { caseInsensitivePaths: !route.caseSensitive });
    if (!compiled.ok) for (const problem of compiled.error) report(`routes.${index}.${problem.path}`, problem.message);
    return {
      host: route.host?.toLowerCase(),
      pathPrefix: route.pathPrefix,
      methods: route.methods?.map((method) => method.toUpperCase()),
      caseSensitive: route.caseSensitive,
      allowedGroups: route.allowedGroups ?? [],
      policy: compiled.ok ? compiled.value : DEFAULT_POLICY,
    };
  });

  const hooks = resolveHooks(file.hooks, env, report);

  if (problems.length > 0 || !proxies.ok) return fail(problems);
  return ok({
    server: {
      host: file.server.host,
      port: file.server.port,
      publicUrl,
      trustedProxies: proxies.value,
      timeouts: { headersMs: timeouts.headers, requestMs: timeouts.request, keepAliveMs: timeouts.keepAlive },
    },
    database: { path: file.database.path },
    scim: { token: scimToken, maxResults: file.scim.maxResults, maxPayloadBytes: file.scim.maxPayloadBytes, readCacheMb: file.scim.readCacheMb, rateLimit: file.scim.rateLimit },
    oidc,
    sessions: {
      cookieName,
      cookieSecure: https,
      absoluteTtlSeconds: sessions.absoluteTtl,
      idleTtlSeconds: sessions.idleTtl,
      loginTtlSeconds: sessions.loginTtl,
    },
    redirects: { allowedDomains: file.redirects.allowedDomains ?? [publicUrl.host] },
    routes,
    forwardAuth: { groupIdsHeader: file.forwardAuth.groupIdsHeader },
    admin: { token: adminToken },
    audit: { retentionSeconds: file.audit.retention === 'forever' ? undefined : file.audit.retention },
    ssf: {
      enabled: file.ssf.enabled,
      defaultSubjects: file.ssf.defaultSubjects,
      keyRotationSeconds: file.ssf.keyRotation,
      keyOverlapSeconds: file.ssf.keyOverlap,
      pushTimeoutMs: file.ssf.pushTimeout,
      allowInsecurePush: file.ssf.allowInsecurePush,
    },
    hooks,
    logging: { level: file.logging.level },
  });
}

type Report = (path: string, message: string) => void;

function resolveHooks(hooks: ParsedFile['hooks'], env: Env, report: Report): HooksConfig {
  const names = new Set<string>();
  const webhooks = hooks.webhooks.map((hook, index): WebhookConfig => {
    const at = `hooks.webhooks.${index}`;
    if (names.has(hook.name)) report(`${at}.name`, `another webhook is already named "${hook.name}"`);
    names.add(hook.name);
    const url = new URL(hook.url);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !hook.allowInsecureHttp) {
      report(`${at}.url`, 'http:// on a non-loopback host sends events and signatures in clear; use https, or set allowInsecureHttp: true');
    }
    if (hook.backoff.initial > hook.backoff.max) report(`${at}.backoff.initial`, 'must not be longer than backoff.max');
    const secrets = hook.secrets.flatMap((secret, i) => {
      const key = `${at}.secrets.${i}`;
      let text: string | undefined;
      if (secret.value !== undefined) text = secret.value;
      else if (secret.file !== undefined) {
        const read = readSecretFile(secret.file, `${key}.file`);
        if (!read.ok) {
          report(read.error.path, read.error.message);
          return [];
        }
        text = read.value;
      } else if (secret.env !== undefined) {
        text = env[secret.env]?.trim();
        if (!text) {
          report(`${key}.env`, `the environment variable ${secret.env} is not set`);
          return [];
        }
      }
      if (text === undefined) return [];
      const parsed = parseWebhookSecret(text);
      // Never the secret itself in the message.
      if ('error' in parsed) {
        report(`${key}.${secret.value !== undefined ? 'value' : secret.file !== undefined ? 'file' : 'env'}`, parsed.error);
        return [];
      }
      return [text];
    });
    return {
      name: hook.name,
      url: hook.url,
      events: hook.events,
      secrets,
      timeoutMs: hook.timeout,
      maxAgeMs: hook.maxAge,
      initialBackoffMs: hook.backoff.initial,
      maxBackoffMs: hook.backoff.max,
    };
  });
  return { pollIntervalMs: hooks.pollInterval, retentionMs: hooks.retention, webhooks };
}

function resolvePublicUrl(file: ParsedFile, report: Report): URL {
  const fallback = new URL(`http://localhost:${file.server.port}`);
  const raw = file.server.publicUrl;
  if (raw === undefined) {
    if (file.oidc) report('server.publicUrl', 'required when oidc is configured (e.g. https://auth.example.com)');
    return fallback;
  }
  const url = new URL(raw);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !file.server.allowInsecurePublicUrl) {
    report('server.publicUrl', 'http:// on a non-loopback host sends session cookies in clear; use https, or set server.allowInsecurePublicUrl: true');
  }
  return url;
}

function resolveScimToken(scim: ParsedFile['scim'], report: Report): string | undefined {
  if (scim.token !== undefined && scim.tokenFile !== undefined) {
    report('scim', 'set either token or tokenFile, not both');
    return undefined;
  }
  if (scim.tokenFile === undefined) return scim.token;
  const read = readSecretFile(scim.tokenFile, 'scim.tokenFile');
  if (!read.ok) return void report(read.error.path, read.error.message);
  if (read.value.length < 32) return void report('scim.tokenFile', 'the token must be at least 32 characters');
  return read.value;
}

function resolveAdminToken(admin: ParsedFile['admin'], report: Report): string | undefined {
  if (admin.token !== undefined && admin.tokenFile !== undefined) {
    report('admin', 'set either token or tokenFile, not both');
    return undefined;
  }
  if (admin.tokenFile === undefined) return admin.token;
  const read = readSecretFile(admin.tokenFile, 'admin.tokenFile');
  if (!read.ok) return void report(read.error.path, read.error.message);
  if (read.value.length < 32) return void report('admin.tokenFile', 'the token must be at least 32 characters');
  return read.value;
}

function resolveOidc(oidc: ParsedOidc, publicUrl: URL, report: Report): OidcConfig | undefined {
  const issuer = new URL(oidc.issuer);
  if (issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname) && !oidc.allowInsecureHttpIssuer) {
    report('oidc.issuer', 'must be https (http:// only for loopback, or with oidc.allowInsecureHttpIssuer: true)');
  }
  const firstSegment = issuer.pathname.split('/')[1]?.toLowerCase() ?? '';
  const multiTenant = MULTI_TENANT_SEGMENTS.has(firstSegment);
  if (multiTenant && oidc.entra.allowedTenants.length === 0) {
    report('oidc.entra.allowedTenants', `required for the multi-tenant issuer /${firstSegment}: list the tenant ids allowed to sign in`);
  }
  const clientAuth = resolveClientAuth(oidc, report);
  if (!clientAuth) return undefined;
  return {
    issuer: oidc.issuer,
    multiTenant,
    clientId: oidc.clientId,
    clientAuth,
    scopes: oidc.scopes.includes('openid') ? oidc.scopes : ['openid', ...oidc.scopes],
    redirectPath: oidc.redirectPath,
    redirectUri: new URL(oidc.redirectPath, publicUrl.origin).href,
    allowInsecureHttpIssuer: issuer.protocol === 'http:',
    idTokenAlg: oidc.idTokenAlg,
    allowedTenants: oidc.entra.allowedTenants.map((tid) => tid.toLowerCase()),
    link: { ...oidc.link },
  };
}

function resolveClientAuth(oidc: ParsedOidc, report: Report): OidcClientAuth | undefined {
  const chosen = (['clientSecret', 'clientSecretFile', 'privateKeyJwt', 'federatedTokenFile'] as const).filter(
    (key) => oidc[key] !== undefined,
  );
  if (chosen.length === 0) {
    report('oidc', 'client authentication required: set one of clientSecret, clientSecretFile, privateKeyJwt, federatedTokenFile');
    return undefined;
  }
  if (chosen.length > 1) {
    report('oidc', `set only one client authentication, found ${chosen.join(', ')}`);
    return undefined;
  }
  const method = oidc.clientSecretMethod === 'post' ? 'client_secret_post' : 'client_secret_basic';
  if (oidc.clientSecret !== undefined) return { method, secret: oidc.clientSecret };
  if (oidc.clientSecretFile !== undefined) {
    const read = readSecretFile(oidc.clientSecretFile, 'oidc.clientSecretFile');
    if (!read.ok) return void report(read.error.path, read.error.message);
    return { method, secret: read.value };
  }
  if (oidc.federatedTokenFile !== undefined) {
    const readable = checkReadable(oidc.federatedTokenFile, 'oidc.federatedTokenFile');
    if (!readable.ok) return void report(readable.error.path, readable.error.message);
    return { method: 'federated_token_file', path: readable.value };
  }
  const jwt = oidc.privateKeyJwt;
  if (!jwt) return undefined;
  const key = readPrivateKey(jwt.keyFile, report);
  if (key === undefined) return undefined;
  return { method: 'private_key_jwt', key, alg: jwt.alg, ...(jwt.kid ? { kid: jwt.kid } : {}) };
}

/** A PKCS#8 PEM or a private JWK; refuse public keys and PKCS#1 with a hint. */
function readPrivateKey(path: string, report: Report): string | Record<string, unknown> | undefined {
  const where = 'oidc.privateKeyJwt.keyFile';
  const read = readSecretFile(path, where);
  if (!read.ok) return void report(read.error.path, read.error.message);
  const text = read.value;
  if (text.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(text);
    } catch {
      return void report(where, `${JSON.stringify(path)} is neither a PEM private key nor valid JSON (JWK)`);
    }
    if (typeof jwk !== 'object' || jwk === null || !('d' in jwk)) {
      return void report(where, `${JSON.stringify(path)} is a public JWK; the private key is needed`);
    }
    return jwk as Record<string, unknown>;
  }
  if (/-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(text)) {
    return void report(where, `${JSON.stringify(path)} is PKCS#1/SEC1; convert it: openssl pkcs8 -topk8 -nocrypt -in key.pem`);
  }
  if (!text.includes('-----BEGIN PRIVATE KEY-----')) {
    return void report(where, `${JSON.stringify(path)} is not a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----") or JWK`);
  }
  return text;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
