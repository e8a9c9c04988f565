import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type ConfigOverrides, type Env } from '../../src/config/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-resolve-'));
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const TENANT = '3f2c1a9e-0000-4000-8000-000000000001';
const base = (oidc: Record<string, unknown> = {}): ConfigOverrides => ({
  server: { publicUrl: 'https://auth.example.com' },
  oidc: { issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, clientId: 'app', ...oidc },
});

function load(overrides: ConfigOverrides, env: Env = {}): Config {
  const result = loadConfig({ env, overrides });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function problems(overrides: ConfigOverrides, env: Env = {}): string[] {
  const result = loadConfig({ env, overrides });
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.error.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('OIDC client authentication: exactly one method', () => {
  it('none is refused', () => {
    expect(problems(base())).toEqual([
      'oidc: client authentication required: set one of clientSecret, clientSecretFile, privateKeyJwt, federatedTokenFile',
    ]);
  });

  it('two are refused, naming both', () => {
    const token = file('token', 'jwt');
    expect(problems(base({ clientSecret: 'x', federatedTokenFile: token }))).toEqual([
      'oidc: set only one client authentication, found clientSecret, federatedTokenFile',
    ]);
  });

  it('client secret by form post', () => {
    expect(load(base({ clientSecret: 'x', clientSecretMethod: 'post' })).oidc?.clientAuth).toEqual({
      method: 'client_secret_post',
      secret: 'x',
    });
  });

  it('private_key_jwt from a PKCS#8 PEM file', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = file('key.pem', pem);
    expect(load(base({ privateKeyJwt: { keyFile, kid: 'k1', alg: 'ES256' } })).oidc?.clientAuth).toEqual({
      method: 'private_key_jwt',
      key: pem.trim(),
      alg: 'ES256',
      kid: 'k1',
    });
  });

  it('private_key_jwt from a private JWK file, alg defaulting to RS256', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const keyFile = file('key.json', JSON.stringify(jwk));
    const auth = load(base({ privateKeyJwt: { keyFile } })).oidc?.clientAuth;
    expect(auth).toMatchObject({ method: 'private_key_jwt', alg: 'RS256', key: { kty: 'RSA', d: jwk.d } });
    expect(auth).not.toHaveProperty('kid');
  });

  it('refuses public keys, PKCS#1 PEMs and garbage with a hint', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = file('pub.json', JSON.stringify(publicKey.export({ format: 'jwk' })));
    const pkcs1 = file('pkcs1.pem', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    const junk = file('junk', 'hello');
    const badJson = file('bad.json', '{ nope');
    expect(problems(base({ privateKeyJwt: { keyFile: pub } }))).toEqual([`oidc.privateKeyJwt.keyFile: "${pub}" is a public JWK; the private key is needed`]);
    expect(problems(base({ privateKeyJwt: { keyFile: pkcs1 } }))[0]).toMatch(/PKCS#1\/SEC1; convert it: openssl pkcs8/);
    expect(problems(base({ privateKeyJwt: { keyFile: junk } }))[0]).toMatch(/not a PKCS#8 PEM private key/);
    expect(problems(base({ privateKeyJwt: { keyFile: badJson } }))[0]).toMatch(/neither a PEM private key nor valid JSON/);
    expect(problems(base({ privateKeyJwt: { keyFile: pub, alg: 'HS256' as 'RS256' } }))[0]).toMatch(/^oidc\.privateKeyJwt\.alg: must be one of "RS256"/);
  });

  it('a federated token file keeps its path (it rotates) but must be readable now', () => {
    const token = file('azure-identity-token', 'eyJ...');
    expect(load(base({ federatedTokenFile: token })).oidc?.clientAuth).toEqual({ method: 'federated_token_file', path: token });
    expect(problems(base({ federatedTokenFile: join(dir, 'gone') }))).toEqual([`oidc.federatedTokenFile: cannot read "${join(dir, 'gone')}": no such file`]);
  });
});

describe('Entra workload identity: AZURE_FEDERATED_TOKEN_FILE', () => {
  it('completes an oidc section without client authentication', () => {
    const token = file('t', 'eyJ');
    expect(load(base(), { AZURE_FEDERATED_TOKEN_FILE: token }).oidc?.clientAuth).toEqual({ method: 'federated_token_file', path: token });
  });

  it('does not conflict with a configured client secret (AKS injects it into every pod)', () => {
    expect(load(base({ clientSecret: 'x' }), { AZURE_FEDERATED_TOKEN_FILE: '/nonexistent' }).oidc?.clientAuth.method).toBe('client_secret_basic');
  });

  it('does not switch sign-in on by itself', () => {
    expect(load({}, { AZURE_FEDERATED_TOKEN_FILE: '/nonexistent' }).oidc).toBeUndefined();
  });
});

describe('Entra multi-tenant issuers', () => {
  it.each(['common', 'organizations', 'Organizations'])('/%s needs an allow-list of tenants', (segment) => {
    expect(problems(base({ issuer: `https://login.microsoftonline.com/${segment}/v2.0`, clientSecret: 'x' }))).toEqual([
      `oidc.entra.allowedTenants: required for the multi-tenant issuer /${segment.toLowerCase()}: list the tenant ids allowed to sign in`,
    ]);
  });

  it('with tenants, is multi-tenant; sovereign login hosts are fine', () => {
    const oidc = load(base({ issuer: 'https://login.microsoftonline.us/organizations/v2.0', clientSecret: 'x', entra: { allowedTenants: [TENANT] } })).oidc;
    expect(oidc).toMatchObject({ multiTenant: true, allowedTenants: [TENANT] });
  });

  it('tenant ids must be GUIDs', () => {
    expect(problems(base({ clientSecret: 'x', entra: { allowedTenants: ['contoso.onmicrosoft.com'] } }))).toEqual([
      'oidc.entra.allowedTenants.0: must be a tenant id (GUID)',
    ]);
  });
});

describe('insecure options need a named opt-in', () => {
  it('http issuers: loopback is allowed, anything else needs oidc.allowInsecureHttpIssuer', () => {
    expect(load(base({ issuer: 'http://127.0.0.1:4000', clientSecret: 'x' })).oidc?.allowInsecureHttpIssuer).toBe(true);
    expect(load(base({ issuer: 'http://localhost:4000', clientSecret: 'x' })).oidc?.allowInsecureHttpIssuer).toBe(true);
    expect(problems(base({ issuer: 'http://idp.internal', clientSecret: 'x' }))).toEqual([
      'oidc.issuer: must be https (http:// only for loopback, or with oidc.allowInsecureHttpIssuer: true)',
    ]);
    expect(load(base({ issuer: 'http://idp.internal', clientSecret: 'x', allowInsecureHttpIssuer: true })).oidc?.allowInsecureHttpIssuer).toBe(true);
    expect(problems(base({ issuer: 'ftp://idp.example.com', clientSecret: 'x' }))[0]).toMatch(/^oidc\.issuer: must be an absolute http\(s\) URL/);
  });

  it('http public URLs: loopback is allowed, anything else needs server.allowInsecurePublicUrl', () => {
    expect(load({ server: { publicUrl: 'http://localhost:8080' } }).sessions).toMatchObject({ cookieName: 'scimgate_session', cookieSecure: false });
    expect(problems({ server: { publicUrl: 'http://auth.example.com' } })).toEqual([
      'server.publicUrl: http:// on a non-loopback host sends session cookies in clear; use https, or set server.allowInsecurePublicUrl: true',
    ]);
    expect(load({ server: { publicUrl: 'http://auth.example.com', allowInsecurePublicUrl: true } }).server.publicUrl.host).toBe('auth.example.com');
  });

  it('oidc without a public URL is refused (the redirect URI depends on it)', () => {
    expect(problems({ oidc: { issuer: 'https://idp.example.com', clientId: 'a', clientSecret: 'x' } })).toEqual([
      'server.publicUrl: required when oidc is configured (e.g. https://auth.example.com)',
    ]);
  });
});

describe('sessions', () => {
  it('TTLs accept durations and must be ordered', () => {
    expect(load({ sessions: { absoluteTtl: '8h', idleTtl: '30m', loginTtl: 300 } }).sessions).toMatchObject({
      absoluteTtlSeconds: 28_800,
      idleTtlSeconds: 1_800,
      loginTtlSeconds: 300,
    });
    expect(problems({ sessions: { absoluteTtl: '1h', idleTtl: '2h', loginTtl: 0 } })).toEqual([
      'sessions.loginTtl: must be longer than 0 seconds',
      'sessions.idleTtl: must not be longer than sessions.absoluteTtl',
    ]);
  });

  it('a custom cookie name is kept; __Host- needs https', () => {
    expect(load({ server: { publicUrl: 'https://a.example.com' }, sessions: { cookieName: 'gate' } }).sessions.cookieName).toBe('gate');
    expect(problems({ sessions: { cookieName: '__Host-gate' } })).toEqual(['sessions.cookieName: the __Host-/__Secure- prefixes need an https server.publicUrl']);
    expect(problems({ sessions: { cookieName: 'a b;c' } })).toEqual(['sessions.cookieName: must be a cookie name token (letters, digits, -_.)']);
  });
});

describe('redirects, routes, identity linking', () => {
  it('the redirect allow-list defaults to the public URL host, with its port', () => {
    expect(load({ server: { publicUrl: 'https://auth.example.com:8443' } }).redirects.allowedDomains).toEqual(['auth.example.com:8443']);
  });

  it('refuses allow-list entries that are not hosts or .suffixes', () => {
    expect(problems({ redirects: { allowedDomains: ['*.example.com', 'https://x.example.com', 'ok.example.com'] } })).toEqual([
      'redirects.allowedDomains.0: "*.example.com" is not a host ("app.example.com"), a suffix (".example.com"), optionally with ":port"',
      'redirects.allowedDomains.1: "https://x.example.com" is not a host ("app.example.com"), a suffix (".example.com"), optionally with ":port"',
    ]);
  });

  it('routes: host lower-cased, path prefix defaults to /, allowedGroups compiled into the policy', () => {
    const [route] = load({ routes: [{ host: 'Grafana.Example.com', allowedGroups: ['Admins'] }] }).routes;
    expect(route).toMatchObject({ host: 'grafana.example.com', pathPrefix: '/', methods: undefined, caseSensitive: false, allowedGroups: ['Admins'] });
    expect(route?.policy.require.map((r) => r.node.label)).toEqual(['groups in ["Admins"]']);
    expect(load({ routes: [{ pathPrefix: '/app' }] }).routes[0]).toMatchObject({ allowedGroups: [], policy: { isDefault: true } });
    expect(load({ routes: [{ pathPrefix: '/api', methods: ['post', 'DELETE'], caseSensitive: true, allowedGroups: ['W'] }] }).routes[0]).toMatchObject({
      methods: ['POST', 'DELETE'],
      caseSensitive: true,
    });
    expect(problems({ routes: [{ host: '.example.com', allowedGroups: [], methods: ['GET /x'] }] })).toEqual([
      'routes.0.host: must be a host name, e.g. app.example.com',
      'routes.0.methods.0: must be an HTTP method such as GET or POST',
      'routes.0.allowedGroups: must list at least 1 item(s)',
    ]);
  });

  it('linking is configurable; a non-Entra provider can drop the tenant claim', () => {
    const oidc = load(base({ issuer: 'https://idp.example.com', clientSecret: 'x', link: { claim: 'sub', attribute: 'userName', tenantClaim: null } })).oidc;
    expect(oidc?.link).toEqual({ claim: 'sub', attribute: 'userName', tenantClaim: null });
  });

  it('openid is always requested; redirectPath must be a plain path', () => {
    expect(load(base({ clientSecret: 'x', scopes: ['email'] })).oidc?.scopes).toEqual(['openid', 'email']);
    expect(problems(base({ clientSecret: 'x', redirectPath: '//evil.com/cb' }))).toEqual([
      'oidc.redirectPath: must be a path starting with "/", e.g. /oauth2/callback',
    ]);
  });
});

describe('admin token', () => {
  const token = 'a'.repeat(40);
  it('from the file, a token file or SCIMGATE_ADMIN_TOKEN; absent by default', () => {
    expect(load({}).admin).toEqual({ token: undefined });
    expect(load({ admin: { token } }).admin.token).toBe(token);
    expect(load({ admin: { tokenFile: file('admin-token', `${token}\n`) } }).admin.token).toBe(token);
    expect(load({}, { SCIMGATE_ADMIN_TOKEN: token }).admin.token).toBe(token);
  });

  it('must be long, single-sourced and never the SCIM token', () => {
    expect(problems({ admin: { token: 'short' } })).toEqual(['admin.token: must be at least 32 characters']);
    expect(problems({ admin: { token, tokenFile: file('t2', token) } })).toEqual(['admin: set either token or tokenFile, not both']);
    expect(problems({ admin: { token }, scim: { token } })).toEqual(['admin.token: must differ from the SCIM token']);
  });
});
