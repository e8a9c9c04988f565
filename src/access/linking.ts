/**
 * Identity linking, nOAuth-safe: a signed-in identity becomes a directory user only through an
 * immutable id the IdP controls — by default the token's `oid` equal to the user's SCIM
 * `externalId`, within an allowed tenant (`tid`). Never by e-mail: Entra e-mail claims are mutable
 * and unverified, so matching on them lets an attacker who sets a victim's address in their own
 * tenant sign in as the victim. The user must be provisioned (exactly one match) and active.
 *
 * The directory has no tenant column: it is provisioned from the tenant(s) on the allow-list, so
 * "(tid, oid)" means the tid passes the allow-list and the oid matches. With an empty allow-list
 * the tenant is whatever the (single-tenant) issuer pins; the OIDC layer has checked iss/tid.
 */
import { parseLinkAttribute, type UserLookup } from '../directory/index.js';
import type { OidcIdentity } from './oidc/index.js';

export interface LinkConfig {
  /** ID-token claim with the immutable user id (Entra: `oid`). */
  claim: string;
  /** Directory attribute it must equal: externalId (default), id, userName or employeeNumber. */
  attribute: string;
  /** ID-token claim with the tenant id; null for providers without tenants. */
  tenantClaim: string | null;
}

export interface LinkOptions {
  /** The directory (its `lookup`), or a UserLookup from createUserLookup(store). */
  directory: { lookup: UserLookup } | UserLookup;
  link: LinkConfig;
  /** Allowed tenant ids; empty = no extra check beyond the issuer's. Compared case-insensitively (GUIDs). */
  allowedTenants: readonly string[];
}

export type LinkFailureCode = 'missing_claim' | 'tenant_not_allowed' | 'not_provisioned' | 'inactive';

export interface LinkedIdentity {
  id: string;
  userName: string;
  displayName: string | null;
  /** From the directory, never from the token: for display and identity headers only. */
  email?: string;
}

export type LinkResult =
  | { ok: true; user: LinkedIdentity; tenantId: string | null }
  | { ok: false; code: LinkFailureCode; reason: string };

const refuse = (code: LinkFailureCode, reason: string): LinkResult => ({ ok: false, code, reason });

/** A claim as a non-empty string; the identity's parsed fields back up the raw claims. */
function claimValue(identity: OidcIdentity, name: string): string | undefined {
  const raw = identity.claims[name] ?? (name === 'oid' ? identity.oid : name === 'tid' ? identity.tid : name === 'sub' ? identity.sub : undefined);
  return typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;
}

export function linkIdentity(identity: OidcIdentity, options: LinkOptions): LinkResult {
  // Config validation refuses a bad attribute at boot (parseLinkAttribute); should one slip
  // through, nobody links — fail closed rather than throw in the middle of a callback.
  const attribute = parseLinkAttribute(options.link.attribute);
  if (!attribute.ok) return refuse('not_provisioned', `oidc.link.attribute: ${attribute.error}`);

  let tenantId: string | null = null;
  if (options.link.tenantClaim !== null) {
    const tenant = claimValue(identity, options.link.tenantClaim);
    if (tenant === undefined) return refuse('missing_claim', `ID token has no ${options.link.tenantClaim} claim`);
    const allowed = options.allowedTenants.length === 0 || options.allowedTenants.some((t) => t.toLowerCase() === tenant.toLowerCase());
    if (!allowed) return refuse('tenant_not_allowed', `tenant ${tenant} is not in allowedTenants`);
    tenantId = tenant;
  }

  const key = claimValue(identity, options.link.claim);
  if (key === undefined) return refuse('missing_claim', `ID token has no ${options.link.claim} claim to link by`);

  const lookup = 'findUserByAttribute' in options.directory ? options.directory : options.directory.lookup;
  const found = lookup.findUserByAttribute(attribute.value, key);
  if (found.found === 'none') {
    return refuse('not_provisioned', `no directory user has ${attribute.value} = ${options.link.claim} ${key}`);
  }
  if (found.found === 'many') {
    return refuse('not_provisioned', `several directory users have ${attribute.value} = ${key}; refusing to guess`);
  }
  const { user } = found;
  if (!user.active) return refuse('inactive', `directory user ${user.userName} is not active`);
  const linked: LinkedIdentity = { id: user.id, userName: user.userName, displayName: user.displayName };
  if (user.email !== undefined) linked.email = user.email;
  return { ok: true, user: linked, tenantId };
}
