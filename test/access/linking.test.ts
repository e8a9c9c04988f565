/**
 * Identity linking (issue 4 §3), the nOAuth attack included: a token is tied to a provisioned,
 * active user only by (tid, oid) → externalId or another immutable attribute, never by e-mail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkIdentity, type LinkConfig } from '../../src/access/linking.js';
import type { OidcIdentity } from '../../src/access/oidc/index.js';
import { createDirectory, createUserLookup, findUserByAttribute, parseLinkAttribute, type Directory } from '../../src/directory/index.js';
import type { JsonObject } from '../../src/scim/protocol/json.js';
import { ENTERPRISE_USER_SCHEMA } from '../../src/scim/protocol/schemas/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const TENANT = '11111111-1111-1111-1111-111111111111';
const FOREIGN = '99999999-9999-9999-9999-999999999999';
const ALICE_OID = 'aaaaaaaa-0000-0000-0000-000000000001';
const DEFAULT_LINK: LinkConfig = { claim: 'oid', attribute: 'externalId', tenantClaim: 'tid' };

let store: Store;
let directory: Directory;
let aliceId: string;

function identity(claims: Record<string, unknown>): OidcIdentity {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string) : undefined);
  return { issuer: `https://login.microsoftonline.com/${str('tid') ?? 'x'}/v2.0`, tid: str('tid'), oid: str('oid'), sub: str('sub') ?? 'sub', claims };
}

function seed(doc: JsonObject): string {
  const created = directory.users.create(doc);
  if (!created.ok) throw new Error(created.error.detail);
  return created.value.id;
}

const link = (claims: Record<string, unknown>, linkConfig: LinkConfig = DEFAULT_LINK, allowedTenants: string[] = [TENANT]) =>
  linkIdentity(identity(claims), { directory, link: linkConfig, allowedTenants });

beforeEach(() => {
  store = openStore(':memory:');
  directory = createDirectory({ store });
  aliceId = seed({
    userName: 'alice@contoso.com',
    externalId: ALICE_OID,
    displayName: 'Alice',
    emails: [{ value: 'alice.home@example.com', type: 'home' }, { value: 'alice@contoso.com', type: 'work', primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'E-100' },
  });
  seed({ userName: 'bob@contoso.com', externalId: 'bbbbbbbb-0000-0000-0000-000000000002', active: false });
});
afterEach(() => store.close());

describe('Entra sign-in linking by (tid, oid) → externalId', () => {
  it('links the provisioned, active user', () => {
    expect(link({ tid: TENANT, oid: ALICE_OID, email: 'alice@contoso.com' })).toEqual({
      ok: true,
      user: { id: aliceId, userName: 'alice@contoso.com', displayName: 'Alice', email: 'alice@contoso.com' },
      tenantId: TENANT,
    });
  });

  it('nOAuth: an attacker whose e-mail equals a provisioned user\'s but whose oid/tid differ is refused', () => {
    const attacker = { tid: FOREIGN, oid: 'eeeeeeee-0000-0000-0000-00000000000e', email: 'alice@contoso.com', preferred_username: 'alice@contoso.com', upn: 'alice@contoso.com' };
    expect(link(attacker)).toMatchObject({ ok: false, code: 'tenant_not_allowed' });
    // Even from an allowed tenant, a matching e-mail alone links nobody.
    expect(link({ ...attacker, tid: TENANT })).toMatchObject({ ok: false, code: 'not_provisioned' });
  });

  it('refuses an unprovisioned user', () => {
    expect(link({ tid: TENANT, oid: 'cccccccc-0000-0000-0000-000000000003' })).toMatchObject({ ok: false, code: 'not_provisioned' });
  });

  it('refuses an inactive user', () => {
    expect(link({ tid: TENANT, oid: 'bbbbbbbb-0000-0000-0000-000000000002' })).toMatchObject({ ok: false, code: 'inactive' });
  });

  it('refuses a foreign tenant even with the right oid', () => {
    expect(link({ tid: FOREIGN, oid: ALICE_OID })).toMatchObject({ ok: false, code: 'tenant_not_allowed' });
  });

  it('compares tenant GUIDs case-insensitively', () => {
    expect(link({ tid: TENANT.toUpperCase(), oid: ALICE_OID }).ok).toBe(true);
  });

  it.each([
    ['no oid', { tid: TENANT }],
    ['empty oid', { tid: TENANT, oid: '' }],
    ['numeric oid', { tid: TENANT, oid: 42 }],
    ['no tid', { oid: ALICE_OID }],
  ])('refuses a token with %s', (_name, claims) => {
    expect(link(claims)).toMatchObject({ ok: false, code: 'missing_claim' });
  });

  it('with an empty allow-list, trusts the tenant the issuer pinned', () => {
    expect(link({ tid: TENANT, oid: ALICE_OID }, DEFAULT_LINK, []).ok).toBe(true);
  });

  it('refuses to guess when the attribute is not unique', () => {
    seed({ userName: 'alice2@contoso.com', externalId: ALICE_OID });
    expect(link({ tid: TENANT, oid: ALICE_OID })).toMatchObject({ ok: false, code: 'not_provisioned', reason: expect.stringContaining('several') });
  });
});

describe('configurable link mapping', () => {
  it('userName, case-insensitively, for providers without tenants', () => {
    const result = link({ sub: 'x', preferred_username: 'ALICE@contoso.com' }, { claim: 'preferred_username', attribute: 'userName', tenantClaim: null });
    expect(result).toMatchObject({ ok: true, user: { id: aliceId }, tenantId: null });
  });

  it('the directory id', () => {
    expect(link({ tid: TENANT, sid: aliceId }, { claim: 'sid', attribute: 'id', tenantClaim: 'tid' })).toMatchObject({ ok: true });
  });

  it('enterprise employeeNumber, short or URN-qualified', () => {
    expect(link({ tid: TENANT, employeeid: 'E-100' }, { claim: 'employeeid', attribute: 'employeeNumber', tenantClaim: 'tid' })).toMatchObject({ ok: true });
    expect(
      link({ tid: TENANT, employeeid: 'E-100' }, { claim: 'employeeid', attribute: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`, tenantClaim: 'tid' }),
    ).toMatchObject({ ok: true });
  });

  it('a misconfigured e-mail attribute links nobody (fail closed)', () => {
    const result = link({ tid: TENANT, email: 'alice@contoso.com' }, { claim: 'email', attribute: 'emails', tenantClaim: 'tid' });
    expect(result).toMatchObject({ ok: false, code: 'not_provisioned', reason: expect.stringContaining('nOAuth') });
  });
});

describe('parseLinkAttribute (config-time check)', () => {
  it.each(['emails', 'emails.value', 'email', 'Emails', 'emails[type eq "work"].value', 'mail'])('refuses e-mail attribute %j with a clear error', (raw) => {
    const parsed = parseLinkAttribute(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/e-mail/);
  });

  it.each([
    ['externalId', 'externalId'],
    ['externalid', 'externalId'],
    ['id', 'id'],
    ['userName', 'userName'],
    ['employeeNumber', 'employeeNumber'],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`, 'employeeNumber'],
  ])('accepts %j', (raw, expected) => {
    expect(parseLinkAttribute(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['displayName', 'name.givenName', `${ENTERPRISE_USER_SCHEMA}:department`, `${ENTERPRISE_USER_SCHEMA}:userName`])('refuses %j', (raw) => {
    expect(parseLinkAttribute(raw).ok).toBe(false);
  });
});

describe('findUserByAttribute', () => {
  it('uses the externalId index', () => {
    const plan = store.sqlite.prepare('EXPLAIN QUERY PLAN SELECT id FROM users u WHERE u.external_id = ? LIMIT 2').all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('users_external_id');
  });

  it('reports none, one and many', () => {
    expect(findUserByAttribute(store, 'externalId', 'nope')).toEqual({ found: 'none' });
    expect(createUserLookup(store).findUserByAttribute('externalId', ALICE_OID)).toMatchObject({ found: 'one', user: { id: aliceId, active: true } });
  });
});
