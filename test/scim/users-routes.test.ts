import { describe, expect, it } from 'vitest';
import { createTestScimApp } from '../support/scim-app.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const entraUser = (userName: string) => ({
  schemas: [USER, ENTERPRISE],
  externalId: `ext-${userName}`,
  userName,
  active: 'True',
  displayName: 'Barbara Jensen',
  emails: [{ primary: true, type: 'work', value: userName }],
  meta: { resourceType: 'User' },
  name: { formatted: 'Barbara Jensen', familyName: 'Jensen', givenName: 'Barbara' },
  roles: [],
  [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
});

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

describe('RFC 7644 §3.3 creating users', () => {
  it('answers 201 with id, meta, Location and ETag, and coerces Entra\'s "True"', async () => {
    const t = createTestScimApp();
    const res = await t.scim('POST', '/Users', entraUser('bjensen@example.com'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/scim+json');
    const body = await res.json();
    expect(body.active).toBe(true);
    expect(res.headers.get('location')).toBe(`http://scim.test/scim/v2/Users/${body.id}`);
    expect(res.headers.get('etag')).toBe(body.meta.version);
    expect(body[ENTERPRISE].employeeNumber).toBe('701984');
    expect(body.roles).toBeUndefined();
  });

  it('refuses a duplicate userName in any case with 409 uniqueness and stores nothing', async () => {
    const t = createTestScimApp();
    await t.scim('POST', '/Users', entraUser('dup@example.com'));
    const before = t.snapshot();
    const res = await t.scim('POST', '/Users', entraUser('DUP@EXAMPLE.COM'));
    expect(res.status).toBe(409);
    expect((await res.json()).scimType).toBe('uniqueness');
    expect(t.snapshot()).toEqual(before);
  });

  it('never returns password, though it accepts one', async () => {
    const t = createTestScimApp();
    const res = await t.scim('POST', '/Users', { schemas: [USER], userName: 'pw@example.com', password: 'hunter2hunter2' });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.stringify(t.snapshot())).not.toContain('hunter2');
  });

  it('round-trips an extension schema it does not model', async () => {
    const t = createTestScimApp();
    const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const res = await t.scim('POST', '/Users', { schemas: [USER, custom], userName: 'ext@example.com', [custom]: { badge: 'B-7', tags: ['a'] } });
    const { id } = await res.json();
    const got = await (await t.scim('GET', `/Users/${id}`)).json();
    expect(got[custom]).toEqual({ badge: 'B-7', tags: ['a'] });
    expect(got.schemas).toContain(custom);
  });
});

describe('RFC 7644 §3.4 reading users', () => {
  it('filters by userName case-insensitively and keeps inactive users visible', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('case@example.com'))).json();
    await t.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    const res = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "CASE@example.COM"')}`);
    const list = await res.json();
    expect(list.totalResults).toBe(1);
    expect(list.Resources[0].active).toBe(false);
  });

  it('pages with startIndex and count, and reports totalResults', async () => {
    const t = createTestScimApp();
    for (let i = 0; i < 5; i++) await t.scim('POST', '/Users', { schemas: [USER], userName: `p${i}@example.com` });
    const page = await (await t.scim('GET', '/Users?startIndex=3&count=2&sortBy=userName')).json();
    expect(page).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
    expect(page.Resources.map((u: { userName: string }) => u.userName)).toEqual(['p2@example.com', 'p3@example.com']);
  });

  it('honours attributes and excludedAttributes', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('proj@example.com'))).json();
    const only = await (await t.scim('GET', `/Users/${id}?attributes=userName`)).json();
    expect(Object.keys(only).sort()).toEqual(['id', 'schemas', 'userName'].sort());
    const without = await (await t.scim('GET', `/Users/${id}?excludedAttributes=emails,name`)).json();
    expect(without.emails).toBeUndefined();
    expect(without.name).toBeUndefined();
    expect(without.userName).toBe('proj@example.com');
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const t = createTestScimApp();
    const created = await t.scim('POST', '/Users', entraUser('etag@example.com'));
    const { id } = await created.json();
    const res = await t.scim('GET', `/Users/${id}`, undefined, { 'If-None-Match': created.headers.get('etag') ?? '' });
    expect(res.status).toBe(304);
  });

  it('answers an unknown filter attribute with 400 invalidFilter', async () => {
    const t = createTestScimApp();
    const res = await t.scim('GET', `/Users?filter=${encodeURIComponent('shoeSize gt 9')}`);
    expect(res.status).toBe(400);
    expect((await res.json()).scimType).toBe('invalidFilter');
  });
});

describe('RFC 7644 §3.5 changing users', () => {
  it('applies the six capitalised Replace operations Entra sends together', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('six@example.com'))).json();
    const res = await t.scim(
      'PATCH',
      `/Users/${id}`,
      patch(
        { op: 'Replace', path: 'displayName', value: 'Babs J' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Babs' },
        { op: 'Replace', path: 'name.familyName', value: 'J' },
        { op: 'Replace', path: 'externalId', value: 'ext-2' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
      ),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ displayName: 'Babs J', externalId: 'ext-2', name: { givenName: 'Babs', familyName: 'J' } });
    expect(body.emails[0].value).toBe('babs@example.com');
    expect(body[ENTERPRISE].department).toBe('Sales');
  });

  it('applies nothing when any operation fails (atomic PATCH)', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('atomic@example.com'))).json();
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'displayName', value: 'X' }, { op: 'replace', path: 'id', value: 'nope' }));
    expect(res.status).toBe(400);
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a PATCH that would collide on userName, changing nothing', async () => {
    const t = createTestScimApp();
    await t.scim('POST', '/Users', entraUser('one@example.com'));
    const { id } = await (await t.scim('POST', '/Users', entraUser('two@example.com'))).json();
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'userName', value: 'ONE@example.com' }));
    expect(res.status).toBe(409);
    expect(t.snapshot()).toEqual(before);
  });

  it('enforces If-Match with 412 and leaves the user as it was', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('im@example.com'))).json();
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'nickName', value: 'x' }), { 'If-Match': 'W/"99"' });
    expect(res.status).toBe(412);
    expect(t.snapshot()).toEqual(before);
    const ok = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'nickName', value: 'x' }), { 'If-Match': 'W/"1"' });
    expect(ok.status).toBe(200);
  });

  it('replaces the whole user on PUT', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('put@example.com'))).json();
    const res = await t.scim('PUT', `/Users/${id}`, { schemas: [USER], userName: 'put@example.com', active: false });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.active).toBe(false);
    expect(body.emails).toBeUndefined();
  });

  it('deletes with 204, then 404 on read and on a second delete', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('del@example.com'))).json();
    expect((await t.scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await t.scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await t.scim('DELETE', `/Users/${id}`)).status).toBe(404);
  });
});

describe('change events', () => {
  it('writes one ordered event per change, in the same transaction', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', entraUser('ev@example.com'))).json();
    await t.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    await t.scim('DELETE', `/Users/${id}`);
    const events = t.store.sqlite.prepare('SELECT type, resource_id FROM events ORDER BY seq').all();
    expect(events).toEqual([
      { type: 'user.created', resource_id: id },
      { type: 'user.deactivated', resource_id: id },
      { type: 'user.deleted', resource_id: id },
    ]);
  });

  it('rolls the change back when an in-transaction listener fails', async () => {
    const t = createTestScimApp({
      directory: {
        listeners: [
          (event) => {
            if (event.type === 'user.deactivated') throw new Error('revocation failed');
          },
        ],
      },
    });
    const { id } = await (await t.scim('POST', '/Users', entraUser('rb@example.com'))).json();
    const before = t.snapshot();
    const res = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    expect(res.status).toBe(500);
    expect(t.snapshot()).toEqual(before);
  });
});
