/**
 * What any implementation of the tokens' persistence (src/persistence/tokens.ts) must do: lookup by
 * digest, names unique among live tokens, revocation, and the bootstrap token's three outcomes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenStore } from '../../src/persistence/index.js';
import { TokenError } from '../../src/tokens/index.js';
import type { OpenStores, Stores } from './stores.js';

const token = (id: string, name: string, digest: string) => ({ id, name, digest, createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, revokedAt: null });
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof TokenError ? error.code : `not a TokenError: ${String(error)}`;
  }
  return undefined;
};

export function tokenContract(implementation: string, open: OpenStores): void {
  describe(`token contract: ${implementation}`, () => {
    let stores: Stores;
    let tokens: TokenStore;
    beforeEach(() => {
      stores = open();
      tokens = stores.tokens;
    });
    afterEach(() => stores.close());

    it('finds a token by its digest only, and lists tokens without their digests', () => {
      tokens.insert(token('t1', 'entra', 'd1'));
      expect(tokens.findByDigest('d1')).toMatchObject({ id: 't1', name: 'entra', digest: 'd1', revokedAt: null });
      expect(tokens.findByDigest('d2')).toBeUndefined();
      expect(tokens.list()).toEqual([{ id: 't1', name: 'entra', createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: null, revokedAt: null }]);
    });

    it('a name is unique among live tokens; a revoked one frees its name and keeps its row', () => {
      tokens.insert(token('t1', 'entra', 'd1'));
      expect(codeOf(() => tokens.insert(token('t2', 'entra', 'd2')))).toBe('token-name-taken');
      expect(tokens.findByDigest('d2')).toBeUndefined();
      expect(tokens.revoke('entra', '2026-01-02T00:00:00.000Z')).toBe(true);
      expect(tokens.revoke('entra', '2026-01-02T00:00:00.000Z')).toBe(false);
      tokens.insert(token('t2', 'entra', 'd2'));
      expect(tokens.findByDigest('d1')?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
      expect(tokens.list().map((t) => t.id).sort()).toEqual(['t1', 't2']);
    });

    it('touch notes a live token\'s use', () => {
      tokens.insert(token('t1', 'entra', 'd1'));
      expect(tokens.touch('t1', '2026-01-03T00:00:00.000Z')).toBe(true);
      expect(tokens.findByDigest('d1')?.lastUsedAt).toBe('2026-01-03T00:00:00.000Z');
    });

    it('ensure creates, keeps (even revoked), rotates, and refuses a value another name holds', () => {
      const at = '2026-01-04T00:00:00.000Z';
      expect(tokens.ensure('bootstrap', 'd1', at, 'b1').outcome).toBe('created');
      expect(tokens.ensure('bootstrap', 'd1', at, 'b2')).toMatchObject({ outcome: 'unchanged', record: { id: 'b1' } });
      tokens.revoke('bootstrap', at);
      expect(tokens.ensure('bootstrap', 'd1', at, 'b3').record.revokedAt).toBe(at);
      expect(tokens.ensure('bootstrap', 'd2', at, 'b4')).toMatchObject({ outcome: 'rotated', record: { id: 'b1', revokedAt: null } });
      expect(tokens.findByDigest('d1')).toBeUndefined();
      tokens.insert(token('t9', 'other', 'd9'));
      expect(codeOf(() => tokens.ensure('bootstrap', 'd9', at, 'b5'))).toBe('token-value-in-use');
      expect(tokens.findByDigest('d2')?.name).toBe('bootstrap');
    });
  });
}
