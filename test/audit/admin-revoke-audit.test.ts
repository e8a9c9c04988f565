// `scimgate sessions revoke --user U` (src/cli/session-admin.ts) is a session revocation like any
// other: its audit row says reason "admin", written in the revocation's own write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/access/sessions/index.js';
import { createAuditReader } from '../../src/audit/index.js';
import { runSessionsOn } from '../../src/cli/session-admin.js';
import { createDirectory } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let file: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-audit-admin-'));
  file = join(dir, 'db.sqlite');
  store = openStore(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit: an operator ends a user\'s sessions', () => {
  it('each ended session leaves its own session.revoked, actor operator, reason admin', () => {
    const created = createDirectory({ store }).users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' });
    if (!created.ok) throw new Error('user not created');
    const sessions = createSessionStore({ store });
    for (let i = 0; i < 2; i++) sessions.create({ userId: created.value.id, tenantId: null, issuer: 'i', subject: 's', absoluteTtlSeconds: 3600, idleTtlSeconds: 3600 });
    const log: string[] = [];
    expect(runSessionsOn(file, ['revoke'], new Map([['user', 'ada@example.com']]), { log: (l) => log.push(l), error: (l) => log.push(l) })).toBe(0);
    const rows = [...createAuditReader(store.sqlite).rows()].filter((r) => r.type === 'session.revoked');
    expect(rows.map((r) => [r.userId, r.actor, JSON.parse(r.data ?? '{}').reason])).toEqual([
      [created.value.id, 'operator', 'admin'],
      [created.value.id, 'operator', 'admin'],
    ]);
  });
});
