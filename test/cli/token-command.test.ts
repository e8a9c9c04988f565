import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTokenCommand, TOKEN_USAGE } from '../../src/cli/token-command.js';
import { openStore, type Store } from '../../src/store/connection.js';
import { createTokenService, type TokenService } from '../../src/tokens/token-service.js';

let store: Store;
let tokens: TokenService;
let clockMs: number;

beforeEach(() => {
  store = openStore(':memory:');
  clockMs = Date.parse('2025-03-01T12:00:00.000Z');
  tokens = createTokenService({ db: store.db, sqlite: store.sqlite, commits: store.commits, writes: store.writes, now: () => new Date(clockMs) });
});
afterEach(() => store.close());

function run(...args: string[]) {
  const log: string[] = [];
  const error: string[] = [];
  const code = runTokenCommand(args, tokens, { log: (s) => log.push(s), error: (s) => error.push(s) });
  return { code, log: log.join('\n'), error: error.join('\n') };
}

describe('scimgate token', () => {
  it('create prints the token once with a cannot-be-shown-again hint', () => {
    const { code, log, error } = run('create', 'entra-prod');
    expect(code).toBe(0);
    expect(error).toBe('');
    const token = /scimgate_[A-Za-z0-9_-]{43}/.exec(log)?.[0];
    expect(token).toBeDefined();
    expect(log).toMatch(/cannot be shown again/);
    expect(tokens.verify(token ?? '')?.name).toBe('entra-prod');
  });

  it('create with a name in use → exit 1 and a clear message', () => {
    run('create', 'entra');
    const { code, error, log } = run('create', 'entra');
    expect(code).toBe(1);
    expect(error).toMatch(/already exists/);
    expect(log).toBe('');
  });

  it('create with an invalid name → exit 1', () => {
    const { code, error } = run('create', 'has~tilde');
    expect(code).toBe(1);
    expect(error).toMatch(/invalid/);
  });

  it('list shows a table of name, created, last used and revoked — never a token or hash', () => {
    const { token } = tokens.create('entra');
    tokens.create('okta');
    clockMs += 1000;
    tokens.verify(token);
    tokens.revoke('okta');
    const { code, log } = run('list');
    expect(code).toBe(0);
    expect(log.split('\n')).toEqual([
      'NAME   CREATED                   LAST USED                 REVOKED',
      'entra  2025-03-01T12:00:00.000Z  2025-03-01T12:00:01.000Z  -',
      'okta   2025-03-01T12:00:00.000Z  never                     2025-03-01T12:00:01.000Z',
    ]);
    expect(log).not.toContain(token);
  });

  it('list with no tokens says how to create one', () => {
    expect(run('list')).toMatchObject({ code: 0, log: expect.stringMatching(/token create/) });
  });

  it('revoke makes the token stop working', () => {
    const { token } = tokens.create('entra');
    const { code, log } = run('revoke', 'entra');
    expect(code).toBe(0);
    expect(log).toMatch(/Revoked token "entra"/);
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('revoke of an unknown or already revoked token → exit 1', () => {
    expect(run('revoke', 'ghost')).toMatchObject({ code: 1, error: expect.stringMatching(/no active token/) });
  });

  it.each([[[]], [['bogus']], [['create']], [['create', 'a', 'b']], [['list', 'x']], [['revoke']]])(
    'usage error %j → exit 2 with usage text',
    (args) => {
      const { code, error } = run(...args);
      expect(code).toBe(2);
      expect(error).toContain(TOKEN_USAGE);
    },
  );

  it('help → usage on stdout, exit 0', () => {
    expect(run('--help')).toMatchObject({ code: 0, log: TOKEN_USAGE });
  });
});
