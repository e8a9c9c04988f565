// Builds the authorization request: PKCE S256, state and nonce, always — nothing to switch off.
import * as client from 'openid-client';
import type { PendingLogin } from './types.js';

export interface StartLoginInput {
  config: client.Configuration;
  redirectUri: string;
  scope: string;
  returnTo: string;
  now: number;
}

export async function buildLoginRequest(input: StartLoginInput): Promise<{ authorizationUrl: string; pending: PendingLogin }> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(input.config, {
    redirect_uri: input.redirectUri,
    response_type: 'code',
    scope: input.scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return {
    authorizationUrl: url.href,
    pending: { state, nonce, codeVerifier, returnTo: input.returnTo, createdAt: input.now },
  };
}
