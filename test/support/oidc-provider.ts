// A real OpenID provider (node-oidc-provider) on loopback that issues Entra-shaped ID tokens, so
// sign-in code is tested against the real protocol, not a mock. One provider instance per tenant,
// mounted at /<tid>/v2.0 (Entra's issuer shape), plus /common/v2.0 and /organizations/v2.0 whose
// discovery issuer is the `{tenantid}` template, as Entra's multi-tenant endpoints publish it.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { forgeIdToken } from './forge-id-token.js';
import type { Forgery, SigningKey } from './forge-id-token.js';

export type { Forgery } from './forge-id-token.js';

/** A person who can sign in at a tenant; `login` is what the dev login form takes. */
export interface TestAccount {
  login: string;
  oid: string;
  email?: string;
  name?: string;
  preferredUsername?: string;
  /** Overrides the `tid` claim (for iss/tid mismatch tests); defaults to the tenant's id. */
  tid?: string;
}

export interface TestProviderOptions {
  /** Tenant ids; each gets its own issuer `http://127.0.0.1:PORT/<tid>/v2.0` and signing key. */
  tenants: string[];
  /** Accounts per tenant id. */
  accounts: Record<string, TestAccount[]>;
  /** Redirect URIs registered for every client. */
  redirectUris: string[];
  /** Fixed port, e.g. for an nginx e2e config (default: a random free port). */
  port?: number;
  /** ID token lifetime in seconds (default 300). */
  idTokenTtl?: number;
}

export const TEST_CLIENTS = {
  secretBasic: { clientId: 'app-secret-basic', secret: 'secret-basic-0123456789abcdef0123456789' },
  /** Registered for ES256-signed ID tokens (the provider holds an EC key beside its RSA one). */
  es256: { clientId: 'app-es256', secret: 'secret-es256-0123456789abcdef0123456789' },
  secretPost: { clientId: 'app-secret-post', secret: 'secret-post-0123456789abcdef01234567890' },
  privateKeyJwt: { clientId: 'app-private-key-jwt' },
  federated: { clientId: 'app-federated' },
} as const;

export interface TestProvider {
  origin: string;
  issuer(tid: string): string;
  /** The multi-tenant discovery base (`/common/v2.0`), backed by `setCommonTenant`'s tenant. */
  commonIssuer: string;
  /** Which tenant's endpoints the /common and /organizations documents point at. */
  setCommonTenant(tid: string): void;
  /** PEM (PKCS#8) private key registered for the private_key_jwt client. */
  privateKeyJwtPem: string;
  /** Mint a fresh federated (workload identity) assertion for the federated client at a tenant. */
  mintFederatedToken(tid: string): Promise<string>;
  /** The next token response of `tid` carries an ID token altered by `forgery` (once). */
  forgeNextIdToken(tid: string, forgery: Forgery): void;
  close(): Promise<void>;
}

interface Tenant {
  tid: string;
  provider: Provider;
  /** The OP's signing keys by algorithm, for forgeries. */
  signingKeys: Record<string, SigningKey>;
  forgery: Forgery | undefined;
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const tenants = new Map<string, Tenant>();
  let commonTid = options.tenants[0] ?? '';
  const server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = (tid: string): string => `${origin}/${tid}/v2.0`;

  const pkjwt = await generateKeyPair('RS256', { extractable: true });
  const federated = await generateKeyPair('RS256', { extractable: true });
  const pkjwtPublic = { ...(await exportJWK(pkjwt.publicKey)), kid: 'pkjwt', use: 'sig', alg: 'RS256' };
  const federatedPublic = { ...(await exportJWK(federated.publicKey)), kid: 'fed', use: 'sig', alg: 'RS256' };
  const { exportPKCS8, SignJWT } = await import('jose');
  const privateKeyJwtPem = await exportPKCS8(pkjwt.privateKey);

  for (const tid of options.tenants) {
    const keys = await generateKeyPair('RS256', { extractable: true });
    const privateJwk: JWK = { ...(await exportJWK(keys.privateKey)), kid: `${tid}-sig`, use: 'sig', alg: 'RS256' };
    const ec = await generateKeyPair('ES256', { extractable: true });
    const ecJwk: JWK = { ...(await exportJWK(ec.privateKey)), kid: `${tid}-sig-ec`, use: 'sig', alg: 'ES256' };
    const provider = new Provider(issuer(tid), providerConfig(tid, options, [privateJwk, ecJwk], pkjwtPublic, federatedPublic));
    const signingKeys = {
      RS256: { privateKey: keys.privateKey, publicKey: keys.publicKey, kid: privateJwk.kid ?? '' },
      ES256: { privateKey: ec.privateKey, publicKey: ec.publicKey, kid: ecJwk.kid ?? '' },
    };
    const tenant: Tenant = { tid, provider, signingKeys, forgery: undefined };
    provider.use(async (ctx: KoaContext, next) => {
      await next();
      const forgery = tenant.forgery;
      const body = ctx.body as { id_token?: string } | undefined;
      if (forgery && ctx.oidc?.route === 'token' && typeof body?.id_token === 'string') {
        tenant.forgery = undefined;
        ctx.body = { ...body, id_token: await forgeIdToken(body.id_token, forgery, tenant.signingKeys, origin) };
      }
    });
    // Entra names the cause in error_description (AADSTS501481 "The Code_Verifier does not match
    // the code_challenge…"); oidc-provider keeps it for its logs, so surface it the Entra way.
    provider.on('grant.error', (ctx, err) => {
      const body = (ctx as KoaContext).body as { error?: string; error_description?: string } | undefined;
      const cause = (err as { cause?: { message?: string }; error_detail?: string } | undefined);
      const detail = cause?.cause?.message ?? cause?.error_detail;
      if (body?.error && detail) (ctx as KoaContext).body = { ...body, error_description: `${body.error_description ?? body.error}: ${detail}` };
    });
    tenants.set(tid, tenant);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const [, first = '', second = ''] = url.split(/[/?]/);
    if ((first === 'common' || first === 'organizations') && url.startsWith(`/${first}/v2.0/.well-known/openid-configuration`)) {
      const backing = await fetch(`${issuer(commonTid)}/.well-known/openid-configuration`);
      const doc = (await backing.json()) as Record<string, unknown>;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...doc, issuer: `${origin}/{tenantid}/v2.0` }));
      return;
    }
    const tenant = tenants.get(first);
    if (!tenant || second !== 'v2.0') {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    // Mount like express does: the provider sees the path below its issuer path.
    const prefix = `/${first}/v2.0`;
    Object.assign(req, { originalUrl: url, url: url.slice(prefix.length) || '/' });
    tenant.provider.callback()(req, res);
  }

  return {
    origin,
    issuer,
    commonIssuer: `${origin}/common/v2.0`,
    setCommonTenant: (tid) => {
      commonTid = tid;
    },
    privateKeyJwtPem,
    mintFederatedToken: async (tid) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'fed' })
        .setIssuer(TEST_CLIENTS.federated.clientId)
        .setSubject(TEST_CLIENTS.federated.clientId)
        .setAudience(issuer(tid))
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(federated.privateKey),
    forgeNextIdToken: (tid, forgery) => {
      const tenant = tenants.get(tid);
      if (!tenant) throw new Error(`unknown tenant ${tid}`);
      tenant.forgery = forgery;
    },
    close: () => closeServer(server),
  };
}

function providerConfig(
  tid: string,
  options: TestProviderOptions,
  signingJwks: JWK[],
  pkjwtPublic: JWK,
  federatedPublic: JWK,
): Record<string, unknown> {
  const accounts = new Map((options.accounts[tid] ?? []).map((a) => [a.login, a]));
  const common = { redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'] };
  return {
    clients: [
      { ...common, client_id: TEST_CLIENTS.secretBasic.clientId, client_secret: TEST_CLIENTS.secretBasic.secret, token_endpoint_auth_method: 'client_secret_basic' },
      { ...common, client_id: TEST_CLIENTS.secretPost.clientId, client_secret: TEST_CLIENTS.secretPost.secret, token_endpoint_auth_method: 'client_secret_post' },
      {
        ...common,
        client_id: TEST_CLIENTS.es256.clientId,
        client_secret: TEST_CLIENTS.es256.secret,
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
      { ...common, client_id: TEST_CLIENTS.privateKeyJwt.clientId, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [pkjwtPublic] } },
      // Entra workload identity modelled as private_key_jwt against the federated key's JWKS.
      { ...common, client_id: TEST_CLIENTS.federated.clientId, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [federatedPublic] } },
    ],
    jwks: { keys: signingJwks },
    cookies: { keys: [`cookie-key-${tid}-0123456789abcdef`] },
    pkce: { required: () => true },
    claims: { openid: ['sub', 'tid', 'oid'], profile: ['name', 'preferred_username'], email: ['email'] },
    // Put scope claims in the ID token, as Entra does, instead of only at userinfo.
    conformIdTokenClaims: false,
    ttl: { IdToken: options.idTokenTtl ?? 300 },
    features: { devInteractions: { enabled: true } },
    // Auto-consent: the login form is the only interaction a test (or headless browser) drives.
    loadExistingGrant: async (ctx: { oidc: { client: { clientId: string }; session: { accountId: string }; provider: { Grant: new (init: Record<string, unknown>) => GrantLike } } }) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          tid: account.tid ?? tid,
          oid: account.oid,
          email: account.email,
          name: account.name,
          preferred_username: account.preferredUsername ?? account.email,
        }),
      };
    },
  };
}

interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}
