import { describe, expect, it } from 'vitest';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

async function user(t: TestScimApp, userName: string): Promise<string> {
  return (await (await t.scim('POST', '/Users', { schemas: [USER], userName })).json()).id;
}
async function group(t: TestScimApp, displayName: string, members: string[] = []): Promise<string> {
  const res = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName, members: members.map((value) => ({ value })) });
  return (await res.json()).id;
}
async function memberIds(t: TestScimApp, groupId: string): Promise<string[]> {
  const body = await (await t.scim('GET', `/Groups/${groupId}`)).json();
  return (body.members ?? []).map((m: { value: string }) => m.value).sort();
}

describe('Entra provisioning: group membership', () => {
  it('adds members as an array, once each, and reports their type and display', async () => {
    const t = createTestScimApp();
    const [a, b] = [await user(t, 'a@x.com'), await user(t, 'b@x.com')];
    const g = await group(t, 'Staff');
    const res = await t.scim('PATCH', `/Groups/${g}`, patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: a }, { value: b }] }, { op: 'Add', path: 'members', value: [{ value: a }] }));
    expect(res.status).toBe(204);
    const body = await (await t.scim('GET', `/Groups/${g}`)).json();
    expect(body.members).toHaveLength(2);
    expect(body.members.find((m: { value: string }) => m.value === a)).toMatchObject({ type: 'User', display: 'a@x.com' });
  });

  it('removes by members[value eq "id"] and by the legacy value array, only the listed members', async () => {
    const t = createTestScimApp();
    const [a, b, c] = [await user(t, 'a@x.com'), await user(t, 'b@x.com'), await user(t, 'c@x.com')];
    const g = await group(t, 'Staff', [a, b, c]);
    await t.scim('PATCH', `/Groups/${g}`, patch({ op: 'remove', path: `members[value eq "${a}"]` }));
    expect(await memberIds(t, g)).toEqual([b, c].sort());
    await t.scim('PATCH', `/Groups/${g}`, patch({ op: 'Remove', path: 'members', value: [{ value: b }] }));
    expect(await memberIds(t, g)).toEqual([c]);
    await t.scim('PATCH', `/Groups/${g}`, patch({ op: 'Remove', path: 'members' }));
    expect(await memberIds(t, g)).toEqual([]);
  });

  it('accepts a group as a member and records its type', async () => {
    const t = createTestScimApp();
    const inner = await group(t, 'Inner');
    const outer = await group(t, 'Outer', [inner]);
    const body = await (await t.scim('GET', `/Groups/${outer}`)).json();
    expect(body.members).toEqual([expect.objectContaining({ value: inner, type: 'Group', display: 'Inner' })]);
  });

  it('refuses an unknown member id with 400 and changes nothing', async () => {
    const t = createTestScimApp();
    const a = await user(t, 'a@x.com');
    const g = await group(t, 'Staff', [a]);
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Groups/${g}`, patch({ op: 'replace', path: 'displayName', value: 'Renamed' }, { op: 'add', path: 'members', value: [{ value: 'no-such-id' }] }));
    expect(res.status).toBe(400);
    expect((await res.json()).scimType).toBe('invalidValue');
    expect(t.snapshot()).toEqual(before);
  });

  it('omits members for excludedAttributes=members on GET and list', async () => {
    const t = createTestScimApp();
    const g = await group(t, 'Staff', [await user(t, 'a@x.com')]);
    const one = await (await t.scim('GET', `/Groups/${g}?excludedAttributes=members`)).json();
    expect(one.members).toBeUndefined();
    const list = await (await t.scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "STAFF"')}`)).json();
    expect(list.totalResults).toBe(1);
    expect(list.Resources[0].members).toBeUndefined();
  });

  it('finds groups by member with members[value eq "id"]', async () => {
    const t = createTestScimApp();
    const a = await user(t, 'a@x.com');
    const g = await group(t, 'Staff', [a]);
    await group(t, 'Other');
    const list = await (await t.scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${a}"]`)}`)).json();
    expect(list.Resources.map((r: { id: string }) => r.id)).toEqual([g]);
  });

  it('refuses a duplicate displayName (any case) with 409', async () => {
    const t = createTestScimApp();
    await group(t, 'Finance');
    const res = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'FINANCE' });
    expect(res.status).toBe(409);
    expect((await res.json()).scimType).toBe('uniqueness');
  });

  it('drops a deleted user from every group', async () => {
    const t = createTestScimApp();
    const [a, b] = [await user(t, 'a@x.com'), await user(t, 'b@x.com')];
    const g = await group(t, 'Staff', [a, b]);
    await t.scim('DELETE', `/Users/${a}`);
    expect(await memberIds(t, g)).toEqual([b]);
  });

  it('replaces members on PUT', async () => {
    const t = createTestScimApp();
    const [a, b] = [await user(t, 'a@x.com'), await user(t, 'b@x.com')];
    const g = await group(t, 'Staff', [a]);
    const res = await t.scim('PUT', `/Groups/${g}`, { schemas: [GROUP], displayName: 'Staff', members: [{ value: b }] });
    expect(res.status).toBe(200);
    expect(await memberIds(t, g)).toEqual([b]);
  });
});
