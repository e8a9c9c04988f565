// createOidcClient: validates the configuration, discovers the provider once, and returns the two
// operations the /oauth2 routes need. The only place that wires openid-client Configurations.
import * as client from 'openid-client';
import { selectClientAuth } from './client-auth.js';
import { discoverProvider } from './discovery.js';
import { OidcConfigError } from './errors.js';
import { finishLogin } from './finish-login.js';
import type { FinishContext } from './finish-login.js';
import { buildLoginRequest } from './start-login.js';
import { JWS_ALGS } from '../../shared/jws-algs.js';
import type { OidcClient, OidcClientConfig } from './types.js';

export async function createOidcClient(config: OidcClientConfig): Promise<OidcClient> {
  validateConfig(config);
  const now = config.now ?? Date.now;
  const allowInsecure = config.allowInsecureHttpIssuer === true;
  const { metadata, multiTenant } = await discoverProvider(config.issuer, allowInsecure);
  if (multiTenant && !config.allowedTenants?.length) {
    throw new OidcConfigError('invalid_config', `allowedTenants: required for the multi-tenant issuer ${metadata.issuer}`);
  }
  const auth = await selectClientAuth(config.clientAuth, multiTenant ? { assertionAudience: metadata.token_endpoint } : {});
  const scope = [...new Set(['openid', ...(config.scopes ?? ['profile', 'email'])])].join(' ');
  // Signing keys are fetched once and shared by the per-login Configurations.
  let jwksCache: client.ExportedJWKSCache | undefined;
  let lastConfig: client.Configuration | undefined;

  const configure: FinishContext['configure'] = (issuer, options) => {
    // Token times are judged by the injected clock: openid-client takes it as a skew in seconds.
    const skew = Math.round((now() - Date.now()) / 1000);
    const cfg = new client.Configuration(
      { ...metadata, issuer },
      config.clientId,
      { [client.clockSkew]: skew, id_token_signed_response_alg: config.idTokenAlg ?? 'RS256' },
      options?.replay ? client.None() : auth,
    );
    if (allowInsecure) client.allowInsecureRequests(cfg);
    // openid-client trusts the TLS channel for ID tokens from the token endpoint (OIDC Core
    // 3.1.3.7); we verify signatures too, so a compromised hop or plain-http dev setup can't forge.
    client.enableNonRepudiationChecks(cfg);
    if (jwksCache) client.setJwksCache(cfg, jwksCache);
    lastConfig = cfg;
    const tokenEndpoint = metadata.token_endpoint;
    cfg[client.customFetch] = async (url, init) => {
      if (url === tokenEndpoint && options?.replay) return options.replay;
      const response = await fetch(url, init);
      if (url === tokenEndpoint && options?.capture) options.capture(response);
      return response;
    };
    return cfg;
  };
  const ctx: FinishContext = {
    configure,
    discoveredIssuer: metadata.issuer,
    multiTenant,
    allowedTenants: config.allowedTenants,
    pendingLoginTtlMs: (config.pendingLoginTtlSeconds ?? 600) * 1000,
    now,
  };
  const authorizeConfig = configure(metadata.issuer);

  return {
    issuer: metadata.issuer,
    multiTenant,
    startLogin: ({ returnTo }) => buildLoginRequest({ config: authorizeConfig, redirectUri: config.redirectUri, scope, returnTo, now: now() }),
    finishLogin: async (callbackUrl, pending) => {
      const result = await finishLogin(ctx, callbackUrl, pending);
      if (lastConfig) jwksCache = client.getJwksCache(lastConfig) ?? jwksCache;
      return result;
    },
  };
}

function validateConfig(config: OidcClientConfig): void {
  const problems: string[] = [];
  if (!config.clientId) problems.push('clientId: required');
  if (config.idTokenAlg !== undefined && !(JWS_ALGS as readonly string[]).includes(config.idTokenAlg)) {
    problems.push(`idTokenAlg: must be one of ${JWS_ALGS.join(', ')}`);
  }
  try {
    const redirect = new URL(config.redirectUri);
    if (redirect.protocol !== 'https:' && !config.allowInsecureHttpIssuer && redirect.hostname !== 'localhost') {
      problems.push('redirectUri: must be https');
    }
  } catch {
    problems.push(`redirectUri: not a URL: ${config.redirectUri}`);
  }
  if (config.allowedTenants && config.allowedTenants.some((t) => !t)) problems.push('allowedTenants: empty tenant id');
  const ttl = config.pendingLoginTtlSeconds;
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) problems.push('pendingLoginTtlSeconds: must be a positive integer');
  if (problems.length) throw new OidcConfigError('invalid_config', problems.join('; '));
}
