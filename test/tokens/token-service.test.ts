import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connection.js';
import { TokenError } from '../../src/tokens/token-errors.js';
import { hashToken } from '../../src/tokens/token-secret.js';
import { createTokenService, type TokenService } from '../../src/tokens/token-service.js';
import { useTwoConnections } from '../support/two-connections.js';

/** A clock tests move by hand. */
function manualClock(start = '2025-01-01T00:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
  };
}

function rawRows(store: Store): Record<string, unknown>[] {
  return store.sqlite.prepare('SELECT * FROM scim_tokens').all() as Record<string, unknown>[];
}

function expectTokenError(fn: () => unknown, code: TokenError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe(code);
    return;
  }
  expect.fail(`expected TokenError ${code}`);
}

let store: Store;
let clock: ReturnType<typeof manualClock>;
let tokens: TokenService;

beforeEach(() => {
  store = openStore(':memory:');
  clock = manualClock();
  tokens = createTokenService({ db: store.db, sqlite: store.sqlite, commits: store.commits, writes: store.writes, now: clock.now });
});
afterEach(() => store.close());

describe('token issue', () => {
  it('is a scimgate_ prefix plus base64url of 32 random bytes (256 bits)', () => {
    const { token } = tokens.create('entra');
    expect(token).toMatch(/^scimgate_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('scimgate_'.length), 'base64url')).toHaveLength(32);
  });

  it('uses the injected randomness', () => {
    const fixed = createTokenService({
      db: store.db,
      sqlite: store.sqlite,
      commits: store.commits,
      writes: store.writes,
      randomBytes: (n) => Buffer.alloc(n, 0xff),
    });
    expect(fixed.create('fixed').token).toBe(`scimgate_${Buffer.alloc(32, 0xff).toString('base64url')}`);
  });

  it('gives different tokens each time', () => {
    const seen = new Set(Array.from({ length: 50 }, (_, i) => tokens.create(`t${i}`).token));
    expect(seen.size).toBe(50);
  });

  it('stores only the SHA-256 hex digest, never the token', () => {
    const { token } = tokens.create('entra');
    const rows = rawRows(store);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain(token.slice('scimgate_'.length));
    expect(rows[0]?.token_hash).toBe(hashToken(token));
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a second active token with the same name with a typed error', () => {
    tokens.create('entra');
    expectTokenError(() => tokens.create('entra'), 'token-name-taken');
  });

  it('frees the name of a revoked token for reuse and keeps the revoked row', () => {
    const first = tokens.create('entra');
    tokens.revoke('entra');
    const second = tokens.create('entra');
    expect(tokens.verify(first.token)).toBeUndefined();
    expect(tokens.verify(second.token)?.name).toBe('entra');
    expect(tokens.list()).toHaveLength(2);
  });

  it.each(['', ' entra', 'a b', 'x'.repeat(65), 'entra~1', '-lead'])('rejects the name %j', (name) => {
    expectTokenError(() => tokens.create(name), 'token-name-invalid');
  });
});

describe('token list', () => {
  it('shows id, name and times but never a hash or token', () => {
    const { token, record } = tokens.create('entra');
    const listed = tokens.list();
    expect(listed).toEqual([record]);
    expect(Object.keys(listed[0] ?? {}).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
    expect(JSON.stringify(listed)).not.toContain(hashToken(token));
  });
});

describe('token verify and revoke', () => {
  it('accepts the issued token and rejects anything else', () => {
    const { token, record } = tokens.create('entra');
    expect(tokens.verify(token)).toMatchObject({ id: record.id, name: 'entra' });
    expect(tokens.verify(`${token}x`)).toBeUndefined();
    expect(tokens.verify(token.slice(0, -1))).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
    expect(tokens.verify('x'.repeat(100_000))).toBeUndefined();
  });

  it('revocation takes effect on the next verify', () => {
    const { token, record } = tokens.create('entra');
    expect(tokens.verify(token)).toBeDefined();
    expect(tokens.revoke('entra')).toBe(true);
    expect(tokens.verify(token)).toBeUndefined();
    expect(tokens.list()[0]?.revokedAt).toBe(clock.now().toISOString());
    expect(tokens.revoke(record.id)).toBe(false);
  });

  it('revokes by id', () => {
    const { token, record } = tokens.create('entra');
    expect(tokens.revoke(record.id)).toBe(true);
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('returns false when nothing matches', () => {
    expect(tokens.revoke('nope')).toBe(false);
  });

  describe('with the CLI in another process', () => {
    /** Requests are separate turns of the event loop; the commit watch reads once per turn. */
    const nextRequest = () => new Promise<void>((resolve) => setImmediate(resolve));
    const stores = useTwoConnections('scimgate-tokens-');
    /** The server's token service and the CLI's, on one database file. */
    const services = () => ({
      serverTokens: createTokenService(stores.here),
      cliTokens: createTokenService(stores.there),
      cli: stores.there,
    });

    it('a revoke through a second connection applies to the very next request', async () => {
      const { serverTokens, cliTokens } = services();
      const { token } = cliTokens.create('entra');
      await nextRequest();
      expect(serverTokens.verify(token)?.name).toBe('entra');
      // A later request, remembered at an epoch after the server's own last-use write: only the
      // revoke below can make it stale.
      await nextRequest();
      expect(serverTokens.verify(token)?.name).toBe('entra');
      await nextRequest();
      expect(serverTokens.verify(token)?.name).toBe('entra');
      expect(cliTokens.revoke('entra')).toBe(true);
      await nextRequest();
      expect(serverTokens.verify(token)).toBeUndefined();
    });

    it('a bootstrap rotation or a row deleted by hand elsewhere applies to the very next request', async () => {
      const { serverTokens, cliTokens, cli } = services();
      const first = 'first-bootstrap-value-0123456789abcdef';
      cliTokens.ensureBootstrapToken(first);
      expect(serverTokens.verify(first)?.name).toBe('bootstrap');
      cliTokens.ensureBootstrapToken('second-bootstrap-value-0123456789abcdef');
      await nextRequest();
      expect(serverTokens.verify(first)).toBeUndefined();
      const { token } = cliTokens.create('entra');
      await nextRequest();
      expect(serverTokens.verify(token)?.name).toBe('entra');
      cli.sqlite.prepare("DELETE FROM scim_tokens WHERE name = 'entra'").run();
      await nextRequest();
      expect(serverTokens.verify(token)).toBeUndefined();
    });
  });
});

describe('last_used_at throttling', () => {
  it('writes at most once per minute per token', () => {
    const { token } = tokens.create('entra');
    const start = clock.now().toISOString();
    const writes: string[] = [];
    store.sqlite.function('note_write', (value: unknown) => {
      writes.push(String(value));
      return null;
    });
    store.sqlite.exec(
      `CREATE TRIGGER count_touch AFTER UPDATE OF last_used_at ON scim_tokens BEGIN SELECT note_write(NEW.last_used_at); END`,
    );

    expect(tokens.verify(token)?.lastUsedAt).toBe(start);
    clock.advance(30_000);
    expect(tokens.verify(token)?.lastUsedAt).toBe(start);
    clock.advance(29_999);
    tokens.verify(token);
    expect(writes).toEqual([start]);

    clock.advance(1);
    const minuteLater = clock.now().toISOString();
    expect(tokens.verify(token)?.lastUsedAt).toBe(minuteLater);
    expect(writes).toEqual([start, minuteLater]);
    expect(tokens.list()[0]?.lastUsedAt).toBe(minuteLater);
  });

  it('throttles each token on its own', () => {
    const a = tokens.create('a');
    const b = tokens.create('b');
    tokens.verify(a.token);
    clock.advance(10_000);
    tokens.verify(b.token);
    const byName = Object.fromEntries(tokens.list().map((r) => [r.name, r.lastUsedAt]));
    expect(byName).toEqual({ a: '2025-01-01T00:00:00.000Z', b: '2025-01-01T00:00:10.000Z' });
  });

  it('a fresh service (restart) does not write again within the minute', () => {
    const { token } = tokens.create('entra');
    tokens.verify(token);
    clock.advance(5_000);
    const restarted = createTokenService({ db: store.db, sqlite: store.sqlite, commits: store.commits, writes: store.writes, now: clock.now });
    expect(restarted.verify(token)?.lastUsedAt).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('bootstrap token from SCIMGATE_SCIM_TOKEN', () => {
  const VALUE = 'bootstrap-secret-0123456789abcdef';
  const OTHER = 'rotated-secret-0123456789abcdefgh';

  it('is created once and idempotent across restarts', () => {
    expect(tokens.ensureBootstrapToken(VALUE).outcome).toBe('created');
    const restarted = createTokenService({ db: store.db, sqlite: store.sqlite, commits: store.commits, writes: store.writes, now: clock.now });
    const again = restarted.ensureBootstrapToken(VALUE);
    expect(again.outcome).toBe('unchanged');
    expect(again.record.name).toBe('bootstrap');
    expect(rawRows(store)).toHaveLength(1);
    expect(restarted.verify(VALUE)?.name).toBe('bootstrap');
    expect(JSON.stringify(rawRows(store))).not.toContain(VALUE);
  });

  it('rotating the value makes the old one stop working', () => {
    const first = tokens.ensureBootstrapToken(VALUE);
    const rotated = tokens.ensureBootstrapToken(OTHER);
    expect(rotated.outcome).toBe('rotated');
    expect(rotated.record.id).toBe(first.record.id);
    expect(tokens.verify(VALUE)).toBeUndefined();
    expect(tokens.verify(OTHER)?.name).toBe('bootstrap');
  });

  it('stays revoked across restarts with the same value; a new value re-enables it', () => {
    tokens.ensureBootstrapToken(VALUE);
    tokens.revoke('bootstrap');
    expect(tokens.ensureBootstrapToken(VALUE).record.revokedAt).not.toBeNull();
    expect(tokens.verify(VALUE)).toBeUndefined();
    tokens.ensureBootstrapToken(OTHER);
    expect(tokens.verify(OTHER)).toBeDefined();
  });

  it('accepts a custom name', () => {
    tokens.ensureBootstrapToken(VALUE, 'entra-env');
    expect(tokens.verify(VALUE)?.name).toBe('entra-env');
  });

  it('rejects a value shorter than 20 characters', () => {
    expectTokenError(() => tokens.ensureBootstrapToken('short-token-1234567'), 'token-too-short');
    expect(() => tokens.ensureBootstrapToken('short-token-1234567')).toThrow(/at least 20 characters/);
    expect(tokens.list()).toEqual([]);
  });

  it('rejects a value a client could not send as a Bearer token', () => {
    expectTokenError(() => tokens.ensureBootstrapToken('has spaces in it 0123456789'), 'token-invalid-characters');
  });

  it('never echoes the value in its errors', () => {
    const bad = 'secret with spaces 0123456789';
    expect(() => tokens.ensureBootstrapToken(bad)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(bad) }));
  });

  it('refuses a value already issued under another name', () => {
    tokens.ensureBootstrapToken(VALUE, 'one');
    expectTokenError(() => tokens.ensureBootstrapToken(VALUE, 'two'), 'token-value-in-use');
  });
});
