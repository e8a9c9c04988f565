import { describe, expect, it } from 'vitest';
import { createAuditReader, createChainVerifier } from '../../src/audit/index.js';
import type { AuditRow } from '../../src/persistence/audit.js';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const rows = (t: TestScimApp): AuditRow[] => [...createAuditReader(t.store.sqlite).rows()];

describe('audit: every stored SCIM write leaves a row in its own transaction', () => {
  it('a PATCH of a user: token name, request id, resource and operation', async () => {
    const t = createTestScimApp();
    const created = await (await t.scim('POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).json();
    const patched = await t.scim('PATCH', `/Users/${created.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }, { 'X-Request-Id': 'req-patch-1' });
    expect(patched.status).toBe(200);
    const [create, patch] = rows(t);
    expect(create).toMatchObject({ seq: 1, type: 'scim.write', actor: 'test', userId: created.id });
    expect(JSON.parse(create?.data ?? '')).toEqual({ resourceType: 'User', resourceId: created.id, operation: 'create' });
    expect(patch).toMatchObject({ seq: 2, type: 'scim.write', actor: 'test', userId: created.id, requestId: 'req-patch-1' });
    expect(JSON.parse(patch?.data ?? '')).toEqual({ resourceType: 'User', resourceId: created.id, operation: 'patch' });
    // The request id in the row is the one the answer carries.
    expect(patched.headers.get('X-Request-Id')).toBe('req-patch-1');
  });

  it('a fresh request id (none sent) is the one in the answer', async () => {
    const t = createTestScimApp();
    const answer = await t.scim('POST', '/Users', { schemas: [USER], userName: 'bob@example.com' });
    expect(answer.status).toBe(201);
    expect(rows(t)[0]?.requestId).toBe(answer.headers.get('X-Request-Id'));
  });

  it('groups: create, PATCH members, PUT, DELETE; users: PUT, DELETE — one row each, in order, chain intact', async () => {
    const t = createTestScimApp();
    const user = await (await t.scim('POST', '/Users', { schemas: [USER], userName: 'cy@example.com' })).json();
    const group = await (await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'ops' })).json();
    expect((await t.scim('PATCH', `/Groups/${group.id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: 'members', value: [{ value: user.id }] }] })).status).toBe(204);
    expect((await t.scim('PUT', `/Groups/${group.id}`, { schemas: [GROUP], displayName: 'ops2' })).status).toBe(200);
    expect((await t.scim('PUT', `/Users/${user.id}`, { schemas: [USER], userName: 'cy@example.com', active: true })).status).toBe(200);
    expect((await t.scim('DELETE', `/Groups/${group.id}`)).status).toBe(204);
    expect((await t.scim('DELETE', `/Users/${user.id}`)).status).toBe(204);
    expect(rows(t).map((r) => JSON.parse(r.data ?? '{}') as Record<string, string>).map((d) => `${d.resourceType} ${d.operation} ${d.resourceId === user.id ? 'u' : 'g'}`)).toEqual([
      'User create u',
      'Group create g',
      'Group patch g',
      'Group replace g',
      'User replace u',
      'Group delete g',
      'User delete u',
    ]);
    const verifier = createChainVerifier();
    for (const row of rows(t)) verifier.add(row);
    expect(verifier.finish().problem).toBeUndefined();
  });

  it('a refused PATCH (unknown user, bad path, If-Match mismatch) stores nothing and leaves no row', async () => {
    const t = createTestScimApp();
    const user = await (await t.scim('POST', '/Users', { schemas: [USER], userName: 'dee@example.com' })).json();
    const before = t.snapshot();
    expect((await t.scim('PATCH', '/Users/no-such-user', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
    expect((await t.scim('PATCH', `/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'nosuch[', value: 1 }] })).status).toBe(400);
    expect((await t.scim('PATCH', `/Users/${user.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }, { 'If-Match': 'W/"99"' })).status).toBe(412);
    expect(t.snapshot()).toEqual(before);
    expect(rows(t)).toHaveLength(1);
  });

  it('an unauthenticated write is refused before the directory: no row', async () => {
    const t = createTestScimApp();
    const answer = await t.request('http://scim.test/scim/v2/Users', { method: 'POST', headers: { 'Content-Type': 'application/scim+json' }, body: JSON.stringify({ schemas: [USER], userName: 'x@example.com' }) });
    expect(answer.status).toBe(401);
    expect(rows(t)).toHaveLength(0);
  });
});
