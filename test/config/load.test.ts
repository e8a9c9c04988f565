import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type ConfigError, type LoadConfigOptions } from '../../src/config/index.js';
import { describeFsError } from '../../src/config/secret-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-config-'));
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function load(options: Partial<LoadConfigOptions> = {}): Config {
  const result = loadConfig({ env: {}, ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The problems as `path: message` lines, which is what an operator sees. */
function problems(options: Partial<LoadConfigOptions>): string[] {
  const result = loadConfig({ env: {}, ...options });
  if (result.ok) throw new Error('expected the configuration to be refused');
  const error: ConfigError = result.error;
  expect(error.code).toBe('invalid_config');
  return error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

const ENTRA = `
server:
  publicUrl: https://auth.example.com
oidc:
  issuer: https://login.microsoftonline.com/3f2c1a9e-0000-4000-8000-000000000001/v2.0
  clientId: app-id
  clientSecret: s3cret
`;

describe('configuration defaults', () => {
  it('env-only with nothing set gives a SCIM-only server with documented defaults', () => {
    const config = load();
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.server.publicUrl.href).toBe('http://localhost:8080/');
    expect(config.server.trustedProxies.entries).toEqual(['127.0.0.0/8', '::1/128']);
    expect(config.server.trustedProxies.contains('::ffff:127.0.0.1')).toBe(true);
    expect(config.server.trustedProxies.contains('10.0.0.1')).toBe(false);
    expect(config.database.path).toBe('./data/scimgate.db');
    expect(config.scim).toEqual({ token: undefined, maxResults: 200, maxPayloadBytes: 1_048_576, readCacheMb: 16, rateLimit: { requestsPerSecond: 200, burst: 400 } });
    expect(config.oidc).toBeUndefined();
    expect(config.sessions).toEqual({
      cookieName: 'scimgate_session',
      cookieSecure: false,
      absoluteTtlSeconds: 43_200,
      idleTtlSeconds: 3_600,
      loginTtlSeconds: 600,
    });
    expect(config.redirects.allowedDomains).toEqual(['localhost:8080']);
    expect(config.routes).toEqual([]);
    expect(config.logging.level).toBe('info');
  });

  it('an Entra single-tenant file fills in the OIDC defaults', () => {
    const config = load({ file: file('c.yaml', ENTRA) });
    expect(config.oidc).toEqual({
      issuer: 'https://login.microsoftonline.com/3f2c1a9e-0000-4000-8000-000000000001/v2.0',
      multiTenant: false,
      clientId: 'app-id',
      clientAuth: { method: 'client_secret_basic', secret: 's3cret' },
      scopes: ['openid', 'profile', 'email'],
      redirectPath: '/oauth2/callback',
      redirectUri: 'https://auth.example.com/oauth2/callback',
      allowInsecureHttpIssuer: false,
      idTokenAlg: 'RS256',
      allowedTenants: [],
      link: { claim: 'oid', attribute: 'externalId', tenantClaim: 'tid' },
    });
    expect(config.sessions.cookieName).toBe('__Host-scimgate_session');
    expect(config.sessions.cookieSecure).toBe(true);
    expect(config.redirects.allowedDomains).toEqual(['auth.example.com']);
  });

  it('an empty file and empty sections are the defaults', () => {
    expect(load({ file: file('empty.yaml', '') }).server.port).toBe(8080);
    expect(load({ file: file('sections.yaml', 'server:\nscim:\n') }).scim.maxResults).toBe(200);
  });
});

describe('configuration errors name every offending key at once', () => {
  it('reports all problems of a broken file together, without zod jargon', () => {
    const path = file(
      'broken.yaml',
      `
server:
  port: 70000
  publicUrl: https://auth.example.com/sub
  trustedProxies: [10.0.0.0/33, nope]
oidc:
  issuer: not a url
  clientID: typo
sessions:
  idleTtl: 5 minutes
logging:
  level: loud
routes:
  - pathPrefix: app
extra: 1
`,
    );
    expect(problems({ file: path })).toEqual([
      'server.port: must be at most 65535',
      'server.publicUrl: must be an origin only, e.g. https://auth.example.com (no path, query or credentials)',
      'server.trustedProxies.0: "10.0.0.0/33": prefix length must be 0–32',
      'server.trustedProxies.1: "nope": not an IPv4 or IPv6 address',
      'oidc.issuer: must be an absolute http(s) URL (the provider issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0)',
      'oidc.clientId: required',
      'oidc.clientID: unknown key',
      'sessions.idleTtl: must be a duration like "12h", "30m", "3600s" or a number of seconds, got "5 minutes"',
      'routes.0.pathPrefix: must start with "/"',
      'logging.level: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
      'extra: unknown key',
    ]);
  });

  it('oidc.idTokenAlg takes one asymmetric JWS algorithm; HS256 and none are refused by name', () => {
    expect(load({ file: file('es.yaml', `${ENTRA}  idTokenAlg: ES256\n`) }).oidc?.idTokenAlg).toBe('ES256');
    for (const alg of ['HS256', 'none']) {
      const [problem] = problems({ file: file(`${alg}.yaml`, `${ENTRA}  idTokenAlg: ${alg}\n`) });
      expect(problem).toMatch(/^oidc\.idTokenAlg: must be one of "RS256"/);
    }
  });

  it('server.timeouts: defaults well under node\'s 300 s, durations in ms or s, from the file or the environment', () => {
    expect(load().server.timeouts).toEqual({ headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5_000 });
    expect(load({ file: file('t.yaml', 'server:\n  timeouts: {headers: 500ms, request: 2s, keepAlive: 0.25}\n') }).server.timeouts).toEqual({
      headersMs: 500,
      requestMs: 2_000,
      keepAliveMs: 250,
    });
    const fromEnv = load({ env: { SCIMGATE_HEADERS_TIMEOUT: '5s', SCIMGATE_REQUEST_TIMEOUT: '1m', SCIMGATE_KEEP_ALIVE_TIMEOUT: '2' } });
    expect(fromEnv.server.timeouts).toEqual({ headersMs: 5_000, requestMs: 60_000, keepAliveMs: 2_000 });
  });

  it('server.timeouts: zero, nonsense and a headers limit past the request limit are named', () => {
    expect(problems({ file: file('zero.yaml', 'server:\n  timeouts: {request: 0}\n') })).toEqual([
      'server.timeouts.request: must be a duration between 1ms and 1d like "15s", "500ms" or a number of seconds, got 0',
    ]);
    expect(problems({ env: { SCIMGATE_KEEP_ALIVE_TIMEOUT: 'soon' } })).toEqual([
      'server.timeouts.keepAlive (from SCIMGATE_KEEP_ALIVE_TIMEOUT): must be a duration between 1ms and 1d like "15s", "500ms" or a number of seconds, got "soon"',
    ]);
    expect(problems({ file: file('order.yaml', 'server:\n  timeouts: {headers: 40s}\n') })).toEqual([
      'server.timeouts.headers: must not be longer than server.timeouts.request',
    ]);
  });

  it('scim.rateLimit: each key validated and named; 0 turns the limit off; unknown keys refused', () => {
    expect(load({ file: file('rl.yaml', 'scim:\n  rateLimit:\n    requestsPerSecond: 20\n') }).scim.rateLimit).toEqual({ requestsPerSecond: 20, burst: 400 });
    expect(load({ file: file('rl-off.yaml', 'scim:\n  rateLimit:\n    requestsPerSecond: 0\n') }).scim.rateLimit.requestsPerSecond).toBe(0);
    expect(problems({ file: file('rl-bad.yaml', 'scim:\n  rateLimit:\n    requestsPerSecond: -5\n    burst: 0\n') })).toEqual([
      'scim.rateLimit.requestsPerSecond: must be at least 0',
      'scim.rateLimit.burst: must be at least 1',
    ]);
    expect(problems({ file: file('rl-frac.yaml', 'scim:\n  rateLimit:\n    burst: 2.5\n') })).toEqual(['scim.rateLimit.burst: must be a whole number']);
    expect(problems({ file: file('rl-key.yaml', 'scim:\n  rateLimit:\n    perMinute: 5\n') })).toHaveLength(1);
  });

  it('scim.readCacheMb: 0 turns the read cache off; a negative budget is named', () => {
    expect(load({ file: file('off.yaml', 'scim:\n  readCacheMb: 0\n') }).scim.readCacheMb).toBe(0);
    expect(problems({ file: file('neg.yaml', 'scim:\n  readCacheMb: -1\n') })).toEqual(['scim.readCacheMb: must be at least 0']);
  });

  it('never leaks zod wording', () => {
    const all = problems({ file: file('x.yaml', 'server: 5\nscim: {maxResults: "ten"}\nroutes: {}\n') });
    expect(all).toEqual(['server: must be an object, got number 5', 'scim.maxResults: must be a number, got string "ten"', 'routes: must be an array, got a mapping']);
    for (const line of all) expect(line).not.toMatch(/Invalid input|ZodError/);
  });

  it('names the environment variable that supplied a bad value', () => {
    expect(problems({ env: { PORT: 'eighty' } })).toEqual(['server.port (from PORT): must be a number, got string "eighty"']);
  });

  it('reports unreadable and malformed config files', () => {
    expect(problems({ file: join(dir, 'missing.yaml') })).toEqual([`config file "${join(dir, 'missing.yaml')}": cannot read (ENOENT)`]);
    const [syntax] = problems({ file: file('bad.yaml', 'server:\n  port: [1\n') });
    expect(syntax).toMatch(/^config file ".*bad\.yaml": .* at line \d+, column \d+$/);
    expect(problems({ file: file('dup.yaml', 'server: {}\nserver: {}\n') })[0]).toMatch(/Map keys must be unique/);
    expect(problems({ file: file('list.yaml', '- a\n- b\n') })[0]).toMatch(/must be a mapping of sections/);
  });
});

describe('environment variables override and complete the file', () => {
  it('override file values and fill in missing ones', () => {
    const config = load({
      file: file('c.yaml', ENTRA),
      env: {
        PORT: '9090',
        HOST: '127.0.0.1',
        SCIMGATE_PUBLIC_URL: 'https://gate.example.org',
        SCIMGATE_DATABASE: '/var/lib/scimgate/db.sqlite',
        SCIMGATE_SCIM_TOKEN: 't'.repeat(40),
        SCIMGATE_OIDC_CLIENT_SECRET: 'env-secret',
        SCIMGATE_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
        SCIMGATE_REDIRECT_ALLOWED_DOMAINS: '.example.org,app.example.net',
        SCIMGATE_LOG_LEVEL: 'debug',
      },
    });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9090 });
    expect(config.server.publicUrl.origin).toBe('https://gate.example.org');
    expect(config.server.trustedProxies.contains('10.1.2.3')).toBe(true);
    expect(config.server.trustedProxies.contains('127.0.0.1')).toBe(false);
    expect(config.database.path).toBe('/var/lib/scimgate/db.sqlite');
    expect(config.scim.token).toBe('t'.repeat(40));
    expect(config.oidc?.clientAuth).toEqual({ method: 'client_secret_basic', secret: 'env-secret' });
    expect(config.oidc?.redirectUri).toBe('https://gate.example.org/oauth2/callback');
    expect(config.redirects.allowedDomains).toEqual(['.example.org', 'app.example.net']);
    expect(config.logging.level).toBe('debug');
  });

  it('can configure sign-in without any file', () => {
    const config = load({
      env: {
        SCIMGATE_PUBLIC_URL: 'https://auth.example.com',
        SCIMGATE_OIDC_ISSUER: 'https://login.microsoftonline.com/organizations/v2.0',
        SCIMGATE_OIDC_CLIENT_ID: 'app',
        SCIMGATE_OIDC_CLIENT_SECRET: 'x',
        SCIMGATE_OIDC_ALLOWED_TENANTS: '3F2C1A9E-0000-4000-8000-000000000001',
      },
    });
    expect(config.oidc).toMatchObject({ multiTenant: true, allowedTenants: ['3f2c1a9e-0000-4000-8000-000000000001'] });
  });

  it('reads the config file path from SCIMGATE_CONFIG; the flag wins', () => {
    const a = file('a.yaml', 'server: {port: 1111}\n');
    const b = file('b.yaml', 'server: {port: 2222}\n');
    expect(load({ env: { SCIMGATE_CONFIG: a } }).server.port).toBe(1111);
    expect(load({ file: b, env: { SCIMGATE_CONFIG: a } }).server.port).toBe(2222);
  });

  it('overrides (CLI flags) beat the environment', () => {
    expect(load({ env: { PORT: '9090' }, overrides: { server: { port: 7070 } } }).server.port).toBe(7070);
  });

  it('empty variables are treated as unset', () => {
    expect(load({ env: { PORT: '', SCIMGATE_DATABASE: '' } }).server.port).toBe(8080);
  });
});

describe('secrets from files', () => {
  it('NAME_FILE supplies the trimmed contents of a file', () => {
    const secret = file('secret', '  from-docker-secret\n');
    const config = load({ file: file('c.yaml', ENTRA.replace('  clientSecret: s3cret\n', '')), env: { SCIMGATE_OIDC_CLIENT_SECRET_FILE: secret } });
    expect(config.oidc?.clientAuth).toEqual({ method: 'client_secret_basic', secret: 'from-docker-secret' });
  });

  it('NAME and NAME_FILE together are refused', () => {
    const secret = file('secret', 'x');
    expect(problems({ env: { SCIMGATE_SCIM_TOKEN: 'a'.repeat(40), SCIMGATE_SCIM_TOKEN_FILE: secret } })).toEqual([
      'SCIMGATE_SCIM_TOKEN: set either SCIMGATE_SCIM_TOKEN or SCIMGATE_SCIM_TOKEN_FILE, not both',
    ]);
  });

  it('unreadable and empty secret files are named, their contents never shown', () => {
    const empty = file('empty', '\n  \n');
    const missing = join(dir, 'nope');
    expect(problems({ env: { SCIMGATE_SCIM_TOKEN_FILE: missing } })).toEqual([`SCIMGATE_SCIM_TOKEN_FILE: cannot read "${missing}": no such file`]);
    expect(problems({ file: file('c.yaml', `${ENTRA.replace('clientSecret: s3cret', `clientSecretFile: ${empty}`)}`) })).toEqual([
      `oidc.clientSecretFile: "${empty}" is empty`,
    ]);
    expect(problems({ file: file('d.yaml', `scim: {tokenFile: ${dir}}\n`) })).toEqual([`scim.tokenFile: cannot read "${dir}": is a directory`]);
  });

  // chmod 000 cannot lock root out (CI runs as root), so the permission case is driven by the
  // error the filesystem would raise rather than by a real unreadable file.
  it('a file without read permission says so', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(describeFsError(denied)).toBe('permission denied');
    expect(describeFsError(Object.assign(new Error('x'), { code: 'EPERM' }))).toBe('permission denied');
    expect(describeFsError(new Error('no code'))).toBe('unreadable');
  });

  it('scim.tokenFile must hold a long enough token', () => {
    const short = file('short', 'abc');
    expect(problems({ file: file('c.yaml', `scim: {tokenFile: ${short}}\n`) })).toEqual(['scim.tokenFile: the token must be at least 32 characters']);
    expect(problems({ env: { SCIMGATE_SCIM_TOKEN: 'short' } })).toEqual(['scim.token (from SCIMGATE_SCIM_TOKEN): must be at least 32 characters']);
  });
});
