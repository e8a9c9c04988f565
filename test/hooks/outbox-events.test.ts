/**
 * Issue 14, deliver 1: every event that matters downstream is in the outbox, written in the same
 * transaction as its cause — driven through the real SCIM HTTP app.
 */
import { describe, expect, it } from 'vitest';
import { startSessionSweep } from '../../src/access/sessions/index.js';
import { createHookedApp, GROUP, PATCH, SESSION, USER, type HookedApp } from './support.js';

async function createUser(t: HookedApp, userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.scim('POST', '/Users', { schemas: [USER], userName, active: true, ...extra });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function createGroup(t: HookedApp, displayName: string, members: string[] = []): Promise<string> {
  const res = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const patchUser = (t: HookedApp, id: string, operations: unknown[]) => t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: operations });
const patchGroup = (t: HookedApp, id: string, operations: unknown[]) => t.scim('PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations: operations });
const after = (t: HookedApp, seq: number) => t.hooks.outbox.readAfter(seq, 100_000);

describe('Entra deprovisioning fires the hooks in the SCIM write', () => {
  it('PATCH active "False" → user.deactivated, then session.revoked (deprovisioned) for each live session', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'alice@example.com', { externalId: 'ext-1', emails: [{ value: 'a2@example.com' }, { value: 'alice@example.com', primary: true }] });
    const s1 = t.sessions.create({ ...SESSION, userId: id });
    const s2 = t.sessions.create({ ...SESSION, subject: 'sub-2', userId: id });
    const head = t.hooks.outbox.head();
    const res = await patchUser(t, id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(res.status).toBe(200);
    const events = after(t, head);
    const alice = { id, userName: 'alice@example.com', externalId: 'ext-1', email: 'alice@example.com' };
    expect(events.map((e) => e.type)).toEqual(['user.deactivated', 'session.revoked', 'session.revoked']);
    expect(events[0]).toMatchObject({ user: alice });
    expect(events.slice(1).map((e) => e.session?.id).sort()).toEqual([s1.session.id, s2.session.id].sort());
    for (const event of events.slice(1)) expect(event).toMatchObject({ user: alice, session: { issuer: SESSION.issuer, reason: 'deprovisioned' } });
    // One transaction: consecutive seqs, nothing of another write in between.
    expect(events.map((e) => e.seq - (events[0]?.seq ?? 0))).toEqual([0, 1, 2]);
  });

  it('a PATCH that fails part-way leaves no event and the session live', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'bob@example.com');
    const s = t.sessions.create({ ...SESSION, userId: id });
    const head = t.hooks.outbox.head();
    const res = await patchUser(t, id, [
      { op: 'replace', path: 'active', value: false },
      { op: 'add', path: 'userName', value: 42 },
    ]);
    expect(res.status).toBe(400);
    expect(after(t, head)).toEqual([]);
    expect(t.sessions.lookup(s.secret)).toBeDefined();
  });

  it('reactivation → user.reactivated; an update that keeps the user active → nothing', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'carol@example.com');
    await patchUser(t, id, [{ op: 'replace', path: 'active', value: false }]);
    const head = t.hooks.outbox.head();
    await patchUser(t, id, [{ op: 'replace', path: 'active', value: true }]);
    await patchUser(t, id, [{ op: 'replace', path: 'displayName', value: 'Carol' }]);
    expect(after(t, head).map((e) => e.type)).toEqual(['user.reactivated']);
  });

  it('DELETE → user.deleted naming the user as it was, then the sessions it ended', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'dave@example.com', { emails: [{ value: 'dave@example.com' }] });
    const s = t.sessions.create({ ...SESSION, userId: id });
    const head = t.hooks.outbox.head();
    expect((await t.scim('DELETE', `/Users/${id}`)).status).toBe(204);
    const events = after(t, head);
    expect(events.map((e) => e.type)).toEqual(['user.deleted', 'session.revoked']);
    const dave = { id, userName: 'dave@example.com', email: 'dave@example.com' };
    expect(events[0]?.user).toEqual(dave);
    expect(events[1]).toMatchObject({ user: dave, session: { id: s.session.id, reason: 'deprovisioned' } });
  });
});

describe('user.groups_changed: effective groups, direct or through nesting', () => {
  it('adding a nested group fires it for every user under it, naming the groups gained', async () => {
    const t = createHookedApp();
    const [u1, u2, u3] = [await createUser(t, 'u1@x'), await createUser(t, 'u2@x'), await createUser(t, 'u3@x')];
    const leaf = await createGroup(t, 'Leaf', [u2]);
    const child = await createGroup(t, 'Child', [u1, leaf]);
    const top = await createGroup(t, 'Top', [u3]);
    const parent = await createGroup(t, 'Parent');
    await patchGroup(t, top, [{ op: 'add', path: 'members', value: [{ value: parent }] }]);
    const head = t.hooks.outbox.head();
    // Parent gains Child: u1 (direct in Child) and u2 (in Leaf, under Child) gain Parent and Top.
    expect((await patchGroup(t, parent, [{ op: 'add', path: 'members', value: [{ value: child }] }])).status).toBeLessThan(300);
    const events = after(t, head);
    expect(events.every((e) => e.type === 'user.groups_changed')).toBe(true);
    const byUser = Object.fromEntries(events.map((e) => [e.user?.userName, e.groups]));
    const gained = { added: [{ id: parent, displayName: 'Parent' }, { id: top, displayName: 'Top' }], removed: [] };
    expect(byUser).toEqual({ 'u1@x': gained, 'u2@x': gained });
  });

  it('removing the edge, and deleting a group, fire what was lost; a user still in through another path loses nothing', async () => {
    const t = createHookedApp();
    const [u1, u2] = [await createUser(t, 'u1@x'), await createUser(t, 'u2@x')];
    const child = await createGroup(t, 'Child', [u1, u2]);
    const parent = await createGroup(t, 'Parent', [child, u2]);
    let head = t.hooks.outbox.head();
    await patchGroup(t, parent, [{ op: 'remove', path: `members[value eq "${child}"]` }]);
    let events = after(t, head);
    expect(events.map((e) => [e.user?.userName, e.groups])).toEqual([['u1@x', { added: [], removed: [{ id: parent, displayName: 'Parent' }] }]]);
    head = t.hooks.outbox.head();
    expect((await t.scim('DELETE', `/Groups/${child}`)).status).toBe(204);
    events = after(t, head);
    const lostChild = { added: [], removed: [{ id: child, displayName: 'Child' }] };
    expect(events.map((e) => [e.user?.userName, e.groups]).sort()).toEqual([['u1@x', lostChild], ['u2@x', lostChild]]);
  });

  it('a member PATCH that changes nothing effective (already in through nesting) fires nothing', async () => {
    const t = createHookedApp();
    const u1 = await createUser(t, 'u1@x');
    const child = await createGroup(t, 'Child', [u1]);
    const parent = await createGroup(t, 'Parent', [child]);
    const head = t.hooks.outbox.head();
    await patchGroup(t, parent, [{ op: 'add', path: 'members', value: [{ value: u1 }] }]);
    expect(after(t, head)).toEqual([]);
  });

  it('a member PATCH refused part-way (an unknown member) leaves no event', async () => {
    const t = createHookedApp();
    const u1 = await createUser(t, 'u1@x');
    const g = await createGroup(t, 'G');
    const head = t.hooks.outbox.head();
    const res = await patchGroup(t, g, [{ op: 'add', path: 'members', value: [{ value: u1 }, { value: 'no-such-id' }] }]);
    expect(res.status).toBe(400);
    expect(after(t, head)).toEqual([]);
  });
});

describe('sessions and SCIM tokens', () => {
  it('session created, signed out (and replaced by a new sign-in) → session.created / session.revoked signed-out', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'erin@x');
    const head = t.hooks.outbox.head();
    const a = t.sessions.create({ ...SESSION, userId: id });
    t.sessions.revoke(a.secret, 'sign-out');
    const b = t.sessions.create({ ...SESSION, userId: id });
    t.sessions.revoke(b.secret, 'replaced-by-sign-in');
    t.sessions.revoke(b.secret, 'sign-out'); // already revoked: nothing
    t.sessions.create({ ...SESSION, userId: id });
    t.sessions.revokeAllForUser(id, 'admin');
    const events = after(t, head);
    expect(events.map((e) => `${e.type}${e.session?.reason ? `:${e.session.reason}` : ''}`)).toEqual([
      'session.created',
      'session.revoked:signed-out',
      'session.created',
      'session.revoked:signed-out',
      'session.created',
      'session.revoked:admin',
    ]);
    expect(events[0]).toMatchObject({ user: { id, userName: 'erin@x' }, session: { id: a.session.id, issuer: SESSION.issuer, subject: SESSION.subject } });
  });

  it('a session left idle past its idle timeout → session.revoked expired-early, from the sweep the server runs', async () => {
    const t = createHookedApp();
    const id = await createUser(t, 'fay@x');
    const idle = t.sessions.create({ ...SESSION, userId: id, idleTtlSeconds: 0.001 });
    const head = t.hooks.outbox.head();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const sweep = startSessionSweep(t.sessions, { intervalMs: 3_600_000 });
    sweep.sweep();
    sweep.stop();
    const events = after(t, head);
    expect(events.map((e) => [e.type, e.session?.id, e.session?.reason])).toEqual([['session.revoked', idle.session.id, 'expired-early']]);
    expect(events[0]?.user).toMatchObject({ id, userName: 'fay@x' });
  });

  it('a token created, then revoked → scim_token.created, scim_token.revoked (never the secret)', () => {
    const t = createHookedApp();
    const head = t.hooks.outbox.head();
    const { record } = t.tokens.create('entra');
    t.tokens.revoke('entra');
    t.tokens.revoke('entra');
    const events = after(t, head);
    expect(events.map((e) => [e.type, e.token])).toEqual([
      ['scim_token.created', { id: record.id, name: 'entra' }],
      ['scim_token.revoked', { id: record.id, name: 'entra' }],
    ]);
  });
});
