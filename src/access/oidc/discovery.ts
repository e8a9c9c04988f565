// Discovers the provider and decides the tenancy mode. The configured issuer is the root of trust:
// its discovery document must name that same issuer, or — Entra's /common, /organizations — a
// `{tenantid}` template on the same origin, which turns on per-token issuer substitution.
// Nothing here knows Entra's hostnames, so sovereign clouds and other providers work alike.
import * as client from 'openid-client';
import { OidcConfigError } from './errors.js';

export const TENANT_PLACEHOLDER = '{tenantid}';

export interface Discovered {
  metadata: client.ServerMetadata;
  /** True when the issuer is a `{tenantid}` template. */
  multiTenant: boolean;
}

export async function discoverProvider(issuer: string, allowInsecure: boolean): Promise<Discovered> {
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch (cause) {
    throw new OidcConfigError('invalid_config', `issuer: not a URL: ${issuer}`, { cause });
  }
  if (issuerUrl.protocol !== 'https:' && !allowInsecure) {
    throw new OidcConfigError('invalid_config', `issuer: ${issuer} is not https (allowInsecureHttpIssuer is off)`);
  }
  // Asking for the well-known URL directly lets us compare issuers ourselves (template-aware).
  const wellKnown = new URL(`${issuerUrl.href.replace(/\/$/, '')}/.well-known/openid-configuration`);
  let config: client.Configuration;
  try {
    config = await client.discovery(wellKnown, 'discovery-probe', undefined, client.None(), {
      execute: allowInsecure ? [client.allowInsecureRequests] : [],
      timeout: 10,
    });
  } catch (cause) {
    throw new OidcConfigError('discovery_failed', `issuer: discovery at ${wellKnown.href} failed: ${String(cause)}`, { cause });
  }
  const metadata = config.serverMetadata();
  return { metadata, multiTenant: classifyIssuer(issuerUrl, metadata.issuer) };
}

/** Same issuer → single tenant; a same-origin `{tenantid}` template → multi-tenant; else refuse. */
export function classifyIssuer(configured: URL, discovered: string): boolean {
  if (stripSlash(discovered) === stripSlash(configured.href)) return false;
  if (discovered.includes(TENANT_PLACEHOLDER)) {
    const probe = new URL(discovered.replace(TENANT_PLACEHOLDER, 'probe'));
    if (probe.origin === configured.origin) return true;
  }
  throw new OidcConfigError(
    'discovery_issuer_mismatch',
    `issuer: the provider at ${configured.href} claims issuer ${discovered}`,
  );
}

const stripSlash = (value: string): string => value.replace(/\/$/, '');
