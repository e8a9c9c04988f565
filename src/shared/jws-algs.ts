/**
 * The JWS algorithms scimgate signs client assertions with and accepts on ID tokens. Shared
 * because configuration validates `oidc.idTokenAlg` / the assertion key's `alg` against the same
 * list the OIDC client enforces.
 */

/** Asymmetric only: never HS* (a key shared with the provider could then forge tokens) and never `none`. */
export const JWS_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwsAlg = (typeof JWS_ALGS)[number];
