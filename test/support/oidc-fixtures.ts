// Tenants and people shared by the OIDC tests (Entra-shaped: tid/oid are the immutable ids).
import type { TestAccount } from './oidc-provider.js';

export const TENANT_A = 'tenant-a';
export const TENANT_B = 'tenant-b';
/** A tenant scimgate does not trust. */
export const TENANT_FOREIGN = 'tenant-foreign';
export const TENANTS = [TENANT_A, TENANT_B, TENANT_FOREIGN];
export const REDIRECT_URI = 'http://127.0.0.1:1/oauth2/callback';

export const ALICE: TestAccount = {
  login: 'alice',
  oid: '00000000-0000-0000-0000-00000000a11c',
  email: 'alice@a.example',
  name: 'Alice Example',
  preferredUsername: 'alice@a.example',
};
export const BOB: TestAccount = { login: 'bob', oid: '00000000-0000-0000-0000-000000000b0b', email: 'bob@b.example' };
/** Same e-mail as Alice, different tenant and oid: the nOAuth attacker. */
export const MALLORY: TestAccount = { login: 'mallory', oid: '00000000-0000-0000-0000-00000000bad0', email: 'alice@a.example' };
/** Signs in at tenant A but the OP stamps tenant B's tid on the token. */
export const TID_LIAR: TestAccount = { login: 'tid-liar', oid: '00000000-0000-0000-0000-0000000011e5', tid: TENANT_B };

export const ACCOUNTS: Record<string, TestAccount[]> = {
  [TENANT_A]: [ALICE, TID_LIAR],
  [TENANT_B]: [BOB],
  [TENANT_FOREIGN]: [MALLORY],
};
