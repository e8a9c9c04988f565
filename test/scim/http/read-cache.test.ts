/**
 * Remembered SCIM read answers: never stale. A cached app must answer every read exactly as an
 * app without the cache does over the same database, whatever changed in between — through the
 * API, through nested groups, or through another connection to the same file.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { createDirectory } from '../../../src/directory/index.js';
import { createReadCache } from '../../../src/scim/http/read-cache.js';
import { ok } from '../../../src/shared/result.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createTokenService } from '../../../src/tokens/index.js';
import type { ScimResponse } from '../../support/scim-app.js';
import { useTwoConnections } from '../../support/two-connections.js';

describe('createReadCache', () => {
  let version = 0;
  let computed = 0;
  const answer = (body: string) => () => {
    computed++;
    return { body };
  };
  beforeEach(() => {
    version = 0;
    computed = 0;
  });

  // The mechanics below keep answers at once; admission (kept from the second request) has its own tests.
  const atOnce = (maxBytes?: number) => createReadCache(() => version, { admit: 'first-request', ...(maxBytes === undefined ? {} : { maxBytes }) });

  it('answers from memory while the directory version stands, recomputes once it moves', () => {
    const cache = atOnce();
    expect(cache.read('a', answer('1')).body).toBe('1');
    expect(cache.read('a', answer('2')).body).toBe('1');
    expect(computed).toBe(1);
    version++;
    expect(cache.read('a', answer('3')).body).toBe('3');
    expect(computed).toBe(2);
  });

  it('remembers neither "not found" nor failures', () => {
    const cache = atOnce();
    expect(cache.read('missing', () => undefined)).toBeUndefined();
    expect(cache.read('missing', answer('now here')).body).toBe('now here');
    expect(() =>
      cache.read('bad', () => {
        throw new Error('invalid filter');
      }),
    ).toThrow('invalid filter');
    expect(cache.read('bad', answer('fixed')).body).toBe('fixed');
  });

  it('stays within its budget in bytes, dropping the oldest answers first, and never keeps a huge one', () => {
    // 1,000 bytes: an entry costs 96 + 2 per character and may take at most 250; four of 210 fit, a fifth pushes the oldest out.
    const cache = atOnce(1000);
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) cache.read(key, answer('x'.repeat(55)));
    computed = 0;
    cache.read('k2', answer('again'));
    cache.read('k4', answer('again'));
    expect(computed).toBe(0);
    expect(cache.read('k1', answer('again')).body).toBe('again');
    computed = 0;
    cache.read('huge', answer('h'.repeat(80)));
    cache.read('huge', answer('h'.repeat(80)));
    expect(computed).toBe(2);
  });

  describe('admission: kept from the second request', () => {
    it("a URL's first answer is sent, not kept; its second is kept", () => {
      const cache = createReadCache(() => version);
      cache.read('a', answer('1'));
      cache.read('a', answer('2'));
      expect(cache.read('a', answer('3')).body).toBe('2');
      expect(computed).toBe(2);
    });

    it('random lookups, each URL read once, keep nothing (issue 11: kept, they cost ~60 MB and slowed lookups)', () => {
      const cache = createReadCache(() => version);
      for (let i = 0; i < 2000; i++) cache.read(`/Users/${i}`, answer(`{"id":"${i}"}`));
      computed = 0;
      // Had the first pass been kept, none of these would be computed.
      for (let i = 0; i < 2000; i++) cache.read(`/Users/${i}`, answer(`{"id":"${i}"}`));
      expect(computed).toBe(2000);
      // Asked for twice, they are kept (all but the few whose first miss another URL's overwrote in the fixed table).
      computed = 0;
      for (let i = 0; i < 2000; i++) cache.read(`/Users/${i}`, answer(`{"id":"${i}"}`));
      expect(computed).toBeLessThan(100);
    });

    it('holds for list answers too', () => {
      const cache = createReadCache(() => version);
      const list = () => {
        computed++;
        return { head: '{"Resources":[', items: [{ key: 'a', body: '{"id":"a"}' }], tail: ']}' };
      };
      cache.readList('p', list);
      cache.readList('p', list);
      cache.readList('p', list);
      expect(computed).toBe(2);
    });

    it('but a list answer computed on the search thread is kept from its first request (seconds of work, issue 11)', async () => {
      const cache = createReadCache(() => version);
      const offThread = () => {
        computed++;
        return Promise.resolve({ head: '{"Resources":[', items: [{ key: 'a', body: '{"id":"a"}' }], tail: ']}' });
      };
      expect(await cache.readList('heavy', offThread)).toBe('{"Resources":[{"id":"a"}]}');
      expect(cache.readList('heavy', offThread)).toBe('{"Resources":[{"id":"a"}]}');
      expect(computed).toBe(1);
      // Stale as soon as the directory moves, like every remembered answer.
      version++;
      await cache.readList('heavy', offThread);
      expect(computed).toBe(2);
    });
  });

  describe('list answers', () => {
    const page = (tag: string, ids: string[]) => () => {
      computed++;
      return { head: `{"page":"${tag}","Resources":[`, items: ids.map((id) => ({ key: id, body: `{"id":"${id}"}` })), tail: ']}' };
    };

    it('are the envelope with each resource inside, remembered while the version stands', () => {
      const cache = atOnce();
      const text = cache.readList('p1', page('one', ['a', 'b']));
      expect(JSON.parse(text)).toEqual({ page: 'one', Resources: [{ id: 'a' }, { id: 'b' }] });
      expect(cache.readList('p1', page('other', ['c']))).toBe(text);
      expect(computed).toBe(1);
      version++;
      expect(JSON.parse(cache.readList('p1', page('two', ['c'])))).toEqual({ page: 'two', Resources: [{ id: 'c' }] });
      expect(JSON.parse(cache.readList('empty', page('none', [])))).toEqual({ page: 'none', Resources: [] });
    });

    it('keep each resource once however many overlapping pages show it', () => {
      // 16,000 bytes: 40 resources (148 each) and 21 pages of references (~330 each) fit, ~12,800;
      // 21 whole pages of text (~890 each, ~18,700) would not.
      const cache = atOnce(16_000);
      const ids = Array.from({ length: 40 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
      const windows = Array.from({ length: 21 }, (_, start) => ids.slice(start, start + 20));
      for (const [start, window] of windows.entries()) cache.readList(`page-${start}`, page(String(start), window));
      computed = 0;
      for (const [start, window] of windows.entries()) cache.readList(`page-${start}`, page(String(start), window));
      expect(computed).toBe(0);
    });

    it('a page whose resources were pushed out is computed again, never answered in part', () => {
      const cache = atOnce(2000);
      cache.readList('p1', page('one', ['a', 'b']));
      // Singles (192 bytes each) fill the budget: the oldest entries (the page's resources) go first.
      for (let i = 0; i < 10; i++) cache.read(`single-${i}`, answer('s'.repeat(40)));
      computed = 0;
      expect(JSON.parse(cache.readList('p1', page('again', ['a', 'b'])))).toEqual({ page: 'again', Resources: [{ id: 'a' }, { id: 'b' }] });
      expect(computed).toBe(1);
    });

    it('a page too big for a quarter of the budget is answered but not kept', () => {
      const cache = atOnce(1000);
      const big = Array.from({ length: 10 }, (_, i) => `id-${i}`);
      expect(JSON.parse(cache.readList('big', page('big', big))).Resources).toHaveLength(10);
      cache.readList('big', page('big', big));
      expect(computed).toBe(2);
    });
  });

  it('a budget of 0 turns it off', () => {
    const cache = createReadCache(() => version, { maxBytes: 0, admit: 'first-request' });
    cache.read('a', answer('1'));
    expect(cache.read('a', answer('2')).body).toBe('2');
  });
});

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const newUser = (userName: string) => ({ schemas: [USER_SCHEMA], userName });
const newGroup = (displayName: string) => ({ schemas: [GROUP_SCHEMA], displayName });

let apps = 0;
/** Two apps over one database: `cached` as served, `direct` with the cache off. */
function twoApps(store: Store) {
  const directory = createDirectory({ store });
  const tokens = createTokenService(store);
  const { token } = tokens.create(`test-${++apps}`);
  const cached = createApp({ directory, tokens });
  const direct = createApp({ directory, tokens, scimReadCacheBytes: 0 });
  const call = (app: ReturnType<typeof createApp>, method: string, path: string, body?: unknown): Promise<ScimResponse> =>
    Promise.resolve(
      app.request(`http://scim.test/scim/v2${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    ) as Promise<ScimResponse>;
  /** Both apps' answers to a GET: status, ETag and body. */
  const both = async (path: string) =>
    Promise.all(
      [cached, direct].map(async (app) => {
        const response = await call(app, 'GET', path);
        return { status: response.status, etag: response.headers.get('etag'), body: await response.text() };
      }),
    );
  return { directory, cached, token, call: (method: string, path: string, body?: unknown) => call(cached, method, path, body), both };
}

describe('SCIM reads through the cache are never stale', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(':memory:');
  });
  afterEach(() => store.close());

  const USERS = 4;
  const GROUPS = 3;
  type Op =
    | { op: 'rename'; user: number; name: string }
    | { op: 'active'; user: number; active: boolean }
    | { op: 'deleteUser'; user: number }
    | { op: 'addUser'; group: number; user: number }
    | { op: 'removeUser'; group: number; user: number }
    | { op: 'nest'; group: number; child: number }
    | { op: 'renameGroup'; group: number; name: string };
  const user = fc.nat(USERS - 1);
  const group = fc.nat(GROUPS - 1);
  const name = fc.constantFrom('Ada', 'Grace', 'Linus', 'Ken');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('rename' as const), user, name }),
    fc.record({ op: fc.constant('active' as const), user, active: fc.boolean() }),
    fc.record({ op: fc.constant('deleteUser' as const), user }),
    fc.record({ op: fc.constant('addUser' as const), group, user }),
    fc.record({ op: fc.constant('removeUser' as const), group, user }),
    fc.record({ op: fc.constant('nest' as const), group, child: group }),
    fc.record({ op: fc.constant('renameGroup' as const), group, name }),
  );

  it('answers every read exactly as the directory does, after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        store.sqlite.exec('DELETE FROM group_users; DELETE FROM group_groups; DELETE FROM group_closure; DELETE FROM groups; DELETE FROM users;');
        const { call, both } = twoApps(store);
        const userIds: string[] = [];
        const groupIds: string[] = [];
        for (let n = 0; n < USERS; n++) userIds.push((await (await call('POST', '/Users', newUser(`u${n}@example.com`))).json()).id);
        for (let n = 0; n < GROUPS; n++) groupIds.push((await (await call('POST', '/Groups', newGroup(`g${n}`))).json()).id);
        const reads = [
          ...userIds.map((id) => `/Users/${id}`),
          ...groupIds.map((id) => `/Groups/${id}`),
          `/Users?filter=${encodeURIComponent(`groups[value eq "${groupIds[0]}"]`)}`,
          '/Users?filter=active%20eq%20false',
          `/Users?filter=${encodeURIComponent('displayName eq "Ada"')}`,
          '/Groups?excludedAttributes=members',
          '/Users?startIndex=2&count=2',
          // Overlapping pages share their resources in the cache; projections must not.
          '/Users?startIndex=1&count=3',
          '/Users?attributes=userName,groups&count=3',
          '/Groups',
          '/Groups?attributes=displayName&startIndex=2',
          // Attribute lists that differ only in where a (trimmed) newline sits must not share renderings.
          '/Users?excludedAttributes=userName%0A',
          '/Users?attributes=%0AuserName',
        ];
        // Fill the cache: an answer is kept from its URL's second request on.
        for (const read of reads) await both(read);
        for (const read of reads) await call('GET', read);
        const patch = (path: string, operations: unknown[]) =>
          call('PATCH', path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
        for (const step of ops) {
          if (step.op === 'rename') await patch(`/Users/${userIds[step.user]}`, [{ op: 'replace', path: 'displayName', value: step.name }]);
          if (step.op === 'active') await patch(`/Users/${userIds[step.user]}`, [{ op: 'Replace', path: 'active', value: step.active ? 'True' : 'False' }]);
          if (step.op === 'deleteUser') await call('DELETE', `/Users/${userIds[step.user]}`);
          if (step.op === 'addUser') await patch(`/Groups/${groupIds[step.group]}`, [{ op: 'add', path: 'members', value: [{ value: userIds[step.user] }] }]);
          if (step.op === 'removeUser') await patch(`/Groups/${groupIds[step.group]}`, [{ op: 'remove', path: `members[value eq "${userIds[step.user]}"]` }]);
          if (step.op === 'nest') await patch(`/Groups/${groupIds[step.group]}`, [{ op: 'add', path: 'members', value: [{ value: groupIds[step.child], type: 'Group' }] }]);
          if (step.op === 'renameGroup') await patch(`/Groups/${groupIds[step.group]}`, [{ op: 'replace', path: 'displayName', value: step.name }]);
          for (const read of reads) {
            const [fromCache, fromDirectory] = await both(read);
            expect(fromCache, `${read} after ${JSON.stringify(step)}`).toEqual(fromDirectory);
          }
        }
      }),
      // Bounded by runs, not by the clock: every step re-reads 13 URLs through two apps, so
      // 20 runs of up to 8 steps compare ~2,000 answers (~1.5 s quiet). The limit below only
      // catches a hang, wide enough for a machine several times busier than a quiet one.
      { numRuns: 20 },
    );
  }, 120_000);

  it('answers for different hosts stay apart (meta.location follows each request without publicUrl)', async () => {
    const { call, cached, token } = twoApps(store);
    const created = await (await call('POST', '/Users', newUser('hosts@example.com'))).json();
    const read = async (origin: string) =>
      (await (await cached.request(`${origin}/scim/v2/Users/${created.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        meta: { location: string };
      };
    expect((await read('http://a.example')).meta.location).toBe(`http://a.example/scim/v2/Users/${created.id}`);
    expect((await read('http://b.example')).meta.location).toBe(`http://b.example/scim/v2/Users/${created.id}`);
    expect((await read('http://a.example')).meta.location).toBe(`http://a.example/scim/v2/Users/${created.id}`);
  });

  it('HEAD answers like GET without a body, from the same remembered answer', async () => {
    const { call, cached, token } = twoApps(store);
    const created = await (await call('POST', '/Users', newUser('head@example.com'))).json();
    const get = await call('GET', `/Users/${created.id}`);
    const head = await cached.request(`http://scim.test/scim/v2/Users/${created.id}`, { method: 'HEAD', headers: { Authorization: `Bearer ${token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(await head.text()).toBe('');
  });

  it('If-None-Match against a remembered answer is a 304 with its ETag', async () => {
    const { call, cached, token } = twoApps(store);
    const created = await (await call('POST', '/Users', newUser('etag@example.com'))).json();
    const first = await call('GET', `/Users/${created.id}`);
    const etag = first.headers.get('etag') ?? '';
    const conditional = (ifNoneMatch: string) =>
      cached.request(`http://scim.test/scim/v2/Users/${created.id}`, { headers: { Authorization: `Bearer ${token}`, 'If-None-Match': ifNoneMatch } });
    const again = await conditional(etag);
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect((await conditional('W/"other"')).status).toBe(200);
  });
});

describe('changes made through another connection to the same file', () => {
  const stores = useTwoConnections('scimgate-read-cache-');

  it('are seen by the very next read', async () => {
    const { here, there } = stores;
    const { call } = twoApps(here);
    const elsewhere = createDirectory({ store: there });
    const created = await (await call('POST', '/Users', newUser('far@example.com'))).json();
    const read = async () => (await call('GET', `/Users/${created.id}`)).json();
    const filtered = async () => (await call('GET', `/Users?filter=${encodeURIComponent('displayName eq "Renamed"')}`)).json();
    expect((await read()).displayName).toBeUndefined();
    expect((await filtered()).totalResults).toBe(0);
    elsewhere.users.modify(created.id, (doc) => ok({ ...doc, displayName: 'Renamed' }));
    expect((await read()).displayName).toBe('Renamed');
    expect((await filtered()).totalResults).toBe(1);
    elsewhere.users.delete(created.id);
    expect((await call('GET', `/Users/${created.id}`)).status).toBe(404);
  });
});
