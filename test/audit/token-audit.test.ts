import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createSqliteAuditLog } from '../../src/audit/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { TokenError } from '../../src/tokens/token-errors.js';
import { createTokenService, type TokenService } from '../../src/tokens/index.js';

let store: Store;
let tokens: TokenService;
beforeEach(() => {
  store = openStore(':memory:');
  tokens = createTokenService({ ...store, audit: createSqliteAuditLog(store) });
});
afterEach(() => store.close());

const rows = () => [...createAuditReader(store.sqlite).rows()].map((r) => ({ type: r.type, actor: r.actor, data: JSON.parse(r.data ?? '{}') as Record<string, unknown> }));

describe('audit: SCIM token changes', () => {
  it('create and revoke each leave a row naming the token; a refused create or an unknown revoke leaves none', () => {
    const { record } = tokens.create('entra-prod');
    expect(() => tokens.create('entra-prod')).toThrow(TokenError);
    expect(tokens.revoke('entra-prod')).toBe(true);
    expect(tokens.revoke('entra-prod')).toBe(false);
    expect(tokens.revoke('nobody')).toBe(false);
    expect(rows()).toEqual([
      { type: 'scim_token.created', actor: 'operator', data: { tokenId: record.id, name: 'entra-prod' } },
      { type: 'scim_token.revoked', actor: 'operator', data: { tokenId: record.id, name: 'entra-prod' } },
    ]);
  });

  it('the bootstrap token: created and rotated are recorded, unchanged is not', () => {
    tokens.ensureBootstrapToken('a'.repeat(40));
    tokens.ensureBootstrapToken('a'.repeat(40));
    tokens.ensureBootstrapToken('b'.repeat(40));
    expect(rows().map((r) => [r.type, r.actor])).toEqual([
      ['scim_token.created', 'configuration'],
      ['scim_token.rotated', 'configuration'],
    ]);
  });
});
