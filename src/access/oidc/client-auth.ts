// Chooses how scimgate authenticates at the token endpoint: secret, private_key_jwt, or a
// federated (workload identity) token file that is re-read per request because it rotates.
import { readFileSync } from 'node:fs';
import { importJWK, importPKCS8 } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import * as client from 'openid-client';
import type { ClientAuthConfig } from './types.js';
import { OidcConfigError } from './errors.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientAuthContext {
  /** Overrides the assertion audience (default: the issuer). Multi-tenant issuers are templates,
   *  not an audience anyone accepts, so there the token endpoint is used instead. */
  assertionAudience?: string;
}

export async function selectClientAuth(config: ClientAuthConfig, context: ClientAuthContext = {}): Promise<client.ClientAuth> {
  switch (config.method) {
    case 'client_secret_basic':
      return client.ClientSecretBasic(config.secret);
    case 'client_secret_post':
      return client.ClientSecretPost(config.secret);
    case 'private_key_jwt':
      return privateKeyJwt(config, context.assertionAudience);
    case 'federated_token_file':
      return federatedTokenFile(config.path);
    case 'none':
      return client.None();
  }
}

async function privateKeyJwt(
  config: Extract<ClientAuthConfig, { method: 'private_key_jwt' }>,
  audience: string | undefined,
): Promise<client.ClientAuth> {
  const jwk = typeof config.key === 'string' ? undefined : (config.key as JWK);
  const alg = config.alg ?? jwk?.alg ?? 'RS256';
  try {
    const imported = jwk ? await importJWK(jwk, alg) : await importPKCS8(config.key as string, alg);
    if (imported instanceof Uint8Array || imported.type !== 'private') throw new Error('not a private key');
    const key: CryptoKey = imported;
    const kid = config.kid ?? jwk?.kid;
    const options = audience
      ? { [client.modifyAssertion]: (_header: Record<string, unknown>, payload: Record<string, unknown>) => void (payload['aud'] = audience) }
      : undefined;
    return client.PrivateKeyJwt(kid ? { key, kid } : key, options);
  } catch (cause) {
    throw new OidcConfigError('invalid_config', `clientAuth.key: cannot load a private ${alg} key`, { cause });
  }
}

function federatedTokenFile(path: string): client.ClientAuth {
  return (_as, metadata, body) => {
    // Read per request: the platform rewrites the file before the previous token expires.
    const assertion = readFileSync(path, 'utf8').trim();
    body.set('client_id', metadata.client_id);
    body.set('client_assertion_type', JWT_BEARER);
    body.set('client_assertion', assertion);
  };
}
