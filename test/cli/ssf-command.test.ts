// `scimgate ssf token …` and `scimgate ssf keys rotate` over a real database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSsfCommand } from '../../src/cli/ssf-command.js';
import { createSsfTokenService, createSsfTransmitter } from '../../src/ssf/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';
import { createSqliteAuditLog } from '../../src/audit/index.js';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const keys = () =>
  createSsfTransmitter(store, { issuer: 'https://id.example.com', defaultSubjects: 'ALL', rotateKeysAfterSeconds: 86_400, keyOverlapSeconds: 3600, allowInsecurePush: false, pushTimeoutMs: 1000 }).keys;

async function run(...args: string[]) {
  const log: string[] = [];
  const error: string[] = [];
  const code = await runSsfCommand(args, { tokens: () => createSsfTokenService(store, createSqliteAuditLog(store)), keys }, { log: (s) => log.push(s), error: (s) => error.push(s) });
  return { code, log: log.join('\n'), error: error.join('\n') };
}

describe('scimgate ssf', () => {
  it('token create shows a receiver token once; it is an SSF token and never a SCIM token', async () => {
    const { code, log } = await run('token', 'create', 'okta-prod');
    expect(code).toBe(0);
    expect(log).toMatch(/Created SSF receiver token "okta-prod"/);
    const token = /scimgate_ssf_[A-Za-z0-9_-]{43}/.exec(log)?.[0] ?? '';
    expect(createSsfTokenService(store).verify(token)?.name).toBe('okta-prod');
    expect(createTokenService(store).verify(token)).toBeUndefined();
    expect((await run('token', 'list')).log).toMatch(/okta-prod/);
    expect((await run('token', 'revoke', 'okta-prod')).code).toBe(0);
    expect(createSsfTokenService(store).verify(token)).toBeUndefined();
    const audited = store.sqlite.prepare('SELECT type, actor, data FROM audit_log ORDER BY seq').all() as { type: string; actor: string; data: string }[];
    expect(audited.map((r) => [r.type, r.actor, JSON.parse(r.data).name])).toEqual([
      ['ssf_token.created', 'operator', 'okta-prod'],
      ['ssf_token.revoked', 'operator', 'okta-prod'],
    ]);
  });

  it('keys rotate makes a new signing key at once', async () => {
    const before = (await keys().current()).kid;
    const { code, log } = await run('keys', 'rotate');
    expect(code).toBe(0);
    const after = (await keys().current()).kid;
    expect(after).not.toBe(before);
    expect(log).toContain(after);
  });

  it('usage errors exit 2', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('keys')).code).toBe(2);
    expect((await run('token', 'create')).code).toBe(2);
  });
});
