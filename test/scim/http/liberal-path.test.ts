// Microsoft's SCIM reference implementation (and its test collection) uses any letter case and
// trailing slashes for endpoint names: scimgate accepts them too, through the whole app.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liberalScimPath } from '../../../src/scim/http/liberal-path.js';
import { createTestScimApp, type TestScimApp } from '../../support/scim-app.js';

describe('liberalScimPath', () => {
  it.each([
    ['/scim/v2/Users', '/scim/v2/Users'],
    ['/scim/v2/Users/', '/scim/v2/Users'],
    ['/scim/v2/users', '/scim/v2/Users'],
    ['/scim/v2/USERS//', '/scim/v2/Users'],
    ['/scim/v2/groups/AbC-1/', '/scim/v2/Groups/AbC-1'],
    ['/scim/v2/users/.SEARCH', '/scim/v2/Users/.search'],
    ['/scim/v2/serviceproviderconfig', '/scim/v2/ServiceProviderConfig'],
    ['/scim/v2/schemas/urn:ietf:params:scim:schemas:core:2.0:User', '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'],
    ['/scim/v2/resourcetypes/User', '/scim/v2/ResourceTypes/User'],
    ['/scim/v2/', '/scim/v2'],
    ['/scim/v2/Unknown/', '/scim/v2/Unknown/'],
    ['/scim/v2x/users', '/scim/v2x/users'],
    ['/oauth2/start/', '/oauth2/start/'],
  ])('%s → %s', (given, served) => {
    expect(liberalScimPath(given)).toBe(served);
  });

  // The function skips its rewrite for paths already spelled as served; whatever it skips must be
  // exactly what the rewrite would have given back. The rule as first written, as the reference.
  const reference = (path: string): string => {
    const root = '/scim/v2';
    if (!path.startsWith(root) || (path.length > root.length && path[root.length] !== '/')) return path;
    const rest = path.slice(root.length + 1).replace(/\/+$/, '');
    if (rest === '') return root;
    const segments = rest.split('/');
    const names = ['Users', 'Groups', 'ServiceProviderConfig', 'Schemas', 'ResourceTypes'];
    const endpoint = names.find((n) => n.toLowerCase() === (segments[0] ?? '').toLowerCase());
    if (endpoint === undefined) return path;
    segments[0] = endpoint;
    if (segments.length === 2 && segments[1]?.toLowerCase() === '.search') segments[1] = '.search';
    return `${root}/${segments.join('/')}`;
  };

  it('agrees with the rewrite rule on every spelling (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('Users', 'users', 'USERS', 'Groups', 'gRoups', 'Schemas', 'schemas', 'ResourceTypes', 'ServiceProviderConfig', 'serviceproviderconfig'),
      fc.constantFrom('.search', '.SEARCH', '.Search', '.searcH', '.abcdef', '.search2', '', 'AbC-1', 'urn:ietf:params:scim:schemas:core:2.0:User', 'Unknown'),
      fc.string({ maxLength: 9 }),
    );
    const path = fc.tuple(fc.constantFrom('/scim/v2', '/scim/v2x', '/scim/v', '/oauth2', ''), fc.array(segment, { maxLength: 4 }), fc.constantFrom('', '/', '//')).map(
      ([root, segments, tail]) => `${root}${segments.map((s) => `/${s}`).join('')}${tail}`,
    );
    fc.assert(
      fc.property(path, (p) => {
        expect(liberalScimPath(p)).toBe(reference(p));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Microsoft SCIM reference test collection: endpoint spellings', () => {
  let t: TestScimApp;
  beforeEach(() => {
    t = createTestScimApp();
  });
  afterEach(() => t.store.close());

  const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: userName });
  const group = (displayName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName });

  it('creates, reads, patches, filters and deletes users under /users and /Users/', async () => {
    const created = await t.scim('POST', '/users', user('lower@example.com'));
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await t.scim('POST', '/Users/', user('slash@example.com'))).status).toBe(201);
    expect((await (await t.scim('GET', `/users/${id}`)).json()).userName).toBe('lower@example.com');
    expect((await t.scim('GET', `/Users/${id}/`)).status).toBe(200);
    const patched = await t.scim('PATCH', `/users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Lower' }],
    });
    expect(patched.status).toBe(200);
    const filtered = await (await t.scim('GET', `/users/?filter=${encodeURIComponent('userName eq "lower@example.com"')}`)).json();
    expect(filtered.totalResults).toBe(1);
    const searched = await t.scim('POST', '/users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName eq "Lower"' });
    expect((await searched.json()).totalResults).toBe(1);
    expect((await t.scim('DELETE', `/users/${id}/`)).status).toBe(204);
    expect((await t.scim('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('groups under /groups, /Groups/ and /groups/{id}', async () => {
    const created = await t.scim('POST', '/groups', group('Lower'));
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await t.scim('GET', '/Groups/')).status).toBe(200);
    expect((await (await t.scim('GET', `/groups/${id}`)).json()).displayName).toBe('Lower');
    expect((await t.scim('PUT', `/groups/${id}/`, group('Renamed'))).status).toBe(200);
    expect((await t.scim('DELETE', `/groups/${id}`)).status).toBe(204);
  });

  it('discovery endpoints in lower case', async () => {
    for (const path of ['/serviceproviderconfig', '/ServiceProviderConfig/', '/schemas', '/resourcetypes', '/resourcetypes/User']) {
      expect((await t.scim('GET', path)).status, path).toBe(200);
    }
  });

  it('ids keep their spelling, and lower-case paths still need the bearer token', async () => {
    const { id } = await (await t.scim('POST', '/Users', user('case@example.com'))).json();
    expect((await t.scim('GET', `/users/${String(id).toUpperCase()}`)).status).toBe(404);
    const anonymous = await t.app.request('http://scim.test/scim/v2/users');
    expect(anonymous.status).toBe(401);
    expect((await t.scim('GET', '/nosuchthing/')).status).toBe(404);
  });
});
