/**
 * Nested groups over SCIM, black-box: Entra pushes each group with its direct members (a member
 * may be a group); a User's read-only `groups` shows direct and inherited groups (RFC 7643
 * §4.1.2), the groups filter finds inherited members, and a Group's `members` stay as sent.
 */
import { describe, expect, it } from 'vitest';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Body {
  id: string;
  groups?: { value: string; display: string; type: string }[];
  members?: { value: string }[];
  Resources?: { id: string }[];
  totalResults?: number;
  scimType?: string;
}

async function json(res: Response): Promise<Body> {
  return (await res.json()) as Body;
}

async function user(t: TestScimApp, userName: string): Promise<string> {
  return (await json(await t.scim('POST', '/Users', { schemas: [USER], userName }))).id;
}

async function group(t: TestScimApp, displayName: string, members: string[] = []): Promise<string> {
  const res = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
  expect(res.status).toBe(201);
  return (await json(res)).id;
}

const addMembers = (t: TestScimApp, id: string, ...values: string[]) =>
  t.scim('PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: values.map((value) => ({ value })) }] });

async function groupsOf(t: TestScimApp, userId: string, query = ''): Promise<string[]> {
  const body = await json(await t.scim('GET', `/Users/${userId}${query}`));
  return (body.groups ?? []).map((g) => `${g.display}:${g.type}`).sort();
}

async function filterUsers(t: TestScimApp, filter: string): Promise<string[]> {
  const body = await json(await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`));
  return (body.Resources ?? []).map((r) => r.id).sort();
}

describe('RFC 7643 §4.1.2 a user\'s groups through nested groups', () => {
  it('lists direct and inherited groups with type direct/indirect; direct wins when both', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const team = await group(t, 'Team', [u]);
    const dept = await group(t, 'Dept', [team]);
    await group(t, 'Company', [dept, u]);
    expect(await groupsOf(t, u)).toEqual(['Company:direct', 'Dept:indirect', 'Team:direct']);
    expect(await groupsOf(t, u, '?attributes=groups')).toEqual(['Company:direct', 'Dept:indirect', 'Team:direct']);
    expect(await groupsOf(t, u, '?excludedAttributes=groups')).toEqual([]);
    const list = await json(await t.scim('GET', `/Users?filter=${encodeURIComponent(`id eq "${u}"`)}&excludedAttributes=groups`));
    expect(list.Resources?.[0]).not.toHaveProperty('groups');
  });

  it("a Group's members stay its direct members, as sent", async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const inner = await group(t, 'Inner', [u]);
    const outer = await group(t, 'Outer', [inner]);
    expect((await json(await t.scim('GET', `/Groups/${outer}`))).members?.map((m) => m.value)).toEqual([inner]);
  });

  it('removing the nesting edge removes the inherited group at once', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const inner = await group(t, 'Inner', [u]);
    const outer = await group(t, 'Outer', [inner]);
    expect(await groupsOf(t, u)).toEqual(['Inner:direct', 'Outer:indirect']);
    const res = await t.scim('PATCH', `/Groups/${outer}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: `members[value eq "${inner}"]` }],
    });
    expect(res.status).toBeLessThan(300);
    expect(await groupsOf(t, u)).toEqual(['Inner:direct']);
  });
});

describe('RFC 7644 §3.4.2.2 filtering users by (effective) group', () => {
  it('groups[value eq] and groups.value eq return direct and indirect members', async () => {
    const t = createTestScimApp();
    const [a, b, c] = [await user(t, 'a@x.com'), await user(t, 'b@x.com'), await user(t, 'c@x.com')];
    const leaf = await group(t, 'Leaf', [a]);
    const mid = await group(t, 'Mid', [leaf, b]);
    const top = await group(t, 'Top', [mid]);
    await group(t, 'Other', [c]);
    expect(await filterUsers(t, `groups[value eq "${top}"]`)).toEqual([a, b].sort());
    expect(await filterUsers(t, `groups.value eq "${mid}"`)).toEqual([a, b].sort());
    expect(await filterUsers(t, `groups.value eq "${leaf}"`)).toEqual([a]);
    expect(await filterUsers(t, `groups[value eq "${top}" and type eq "indirect"]`)).toEqual([a, b].sort());
    expect(await filterUsers(t, `groups[value eq "${mid}" and type eq "direct"]`)).toEqual([b]);
  });
});

describe('Entra provisioning: cycles in nested groups', () => {
  it('A ∈ B and B ∈ A: both are effective, nothing hangs, and deleting one group unwinds it', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const a = await group(t, 'A', [u]);
    const b = await group(t, 'B', [a]);
    expect((await addMembers(t, a, b)).status).toBeLessThan(300);
    expect(await groupsOf(t, u)).toEqual(['A:direct', 'B:indirect']);
    expect(await filterUsers(t, `groups.value eq "${b}"`)).toEqual([u]);
    expect((await t.scim('DELETE', `/Groups/${b}`)).status).toBe(204);
    expect(await groupsOf(t, u)).toEqual(['A:direct']);
    expect(t.snapshot().group_closure).toEqual([]);
  });

  it('a group may contain itself without effect beyond its own membership', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const a = await group(t, 'A', [u]);
    expect((await addMembers(t, a, a)).status).toBeLessThan(300);
    expect(await groupsOf(t, u)).toEqual(['A:direct']);
  });
});

describe('RFC 7644 §3.5.2 PATCH is atomic for nesting too', () => {
  it('an unknown member id fails with 400 and leaves memberships and the closure unchanged', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const inner = await group(t, 'Inner', [u]);
    const outer = await group(t, 'Outer');
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Groups/${outer}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: inner }] },
        { op: 'Add', path: 'members', value: [{ value: 'no-such-id' }] },
      ],
    });
    expect(res.status).toBe(400);
    expect((await json(res)).scimType).toBe('invalidValue');
    expect(t.snapshot()).toEqual(before);
    expect(await groupsOf(t, u)).toEqual(['Inner:direct']);
  });

  it('deleting a user removes it from every effective membership', async () => {
    const t = createTestScimApp();
    const u = await user(t, 'u@x.com');
    const inner = await group(t, 'Inner', [u]);
    const outer = await group(t, 'Outer', [inner]);
    expect((await t.scim('DELETE', `/Users/${u}`)).status).toBe(204);
    expect(await filterUsers(t, `groups.value eq "${outer}"`)).toEqual([]);
    expect(t.directory.effective.countEffectiveMembers(outer)).toBe(0);
  });
});
