// Group commit through the server as it runs: the writes of one batch share one transaction, no
// answer that could have seen its rows leaves before it commits, and when the COMMIT fails every
// such answer says so and nothing is stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/app.js';
import { createDirectory } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';
import { sendInOneBatch, type RawAnswer, type RawRequest } from '../support/one-batch.js';
import { createTestScimApp } from '../support/scim-app.js';

let dir: string;
let store: Store;
let server: Server;
let token: string;
/** While set, every directory change also breaks a deferred foreign key: the COMMIT of its transaction fails. */
let poison = false;
/** Changes to users whose userName starts with this break it too, whatever `poison` says. */
const POISONED = 'poison';
let groups = 0;
/** For each directory change: whether it ran inside an open group. */
let joined: boolean[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-group-commit-'));
  store = openStore(join(dir, 'db.sqlite'));
  store.sqlite.exec('CREATE TABLE trap (ref INTEGER REFERENCES users(key) DEFERRABLE INITIALLY DEFERRED)');
  const trap = store.sqlite.prepare('INSERT INTO trap VALUES (-1)');
  const nameOf = store.sqlite.prepare<[string], string>('SELECT user_name FROM users WHERE id = ?').pluck();
  const poisoned = (id: string) => poison || (nameOf.get(id) ?? '').startsWith(POISONED);
  const tokens = createTokenService(store);
  token = tokens.create('test').token;
  const directory = createDirectory({ store, listeners: [() => void joined.push(store.writes.isOpen()), (event) => void (poisoned(event.resourceId) && trap.run())] });
  poison = false;
  groups = 0;
  joined = [];
  store.writes.onBegin(() => groups++);
  server = createServer(createNodeListener({ directory, tokens }).listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const scim = (method: string, path: string, body?: unknown): RawRequest => ({
  method,
  path: `/scim/v2${path}`,
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const newUser = (userName: string) => scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });
const userNames = () => store.sqlite.prepare('SELECT user_name FROM users ORDER BY user_name').pluck().all();
const findUser = (userName: string) => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
const stored = (table: string) => store.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('group commit', () => {
  it('commits the writes of one batch in one transaction and answers each of them', async () => {
    const answers = await sendInOneBatch(server, [[newUser('a@x')], [newUser('b@x')], [newUser('c@x')], [newUser('d@x')]]);
    expect(answers.map(([answer]) => answer?.status)).toEqual([201, 201, 201, 201]);
    expect(groups).toBe(1);
    // Bodies that came with their headers are read at once, so every write ran inside the group.
    expect(joined).toEqual([true, true, true, true]);
    expect(stored('users')).toBe(4);
    expect(stored('events')).toBe(4);
  });

  it('a read after a write on the same connection waits for the commit, and sees the write', async () => {
    const [answers] = await sendInOneBatch(server, [[newUser('a@x'), findUser('a@x')]]);
    expect(answers?.map((answer) => answer.status)).toEqual([201, 200]);
    expect(JSON.parse(answers?.[1]?.body ?? '{}').totalResults).toBe(1);
  });

  it("keeps a connection's requests in order around a held-back read", async () => {
    // The read waits for the group; the write pipelined after it must not overtake it into the group.
    const [answers] = await sendInOneBatch(server, [[newUser('a@x'), findUser('b@x'), newUser('b@x')]]);
    expect(answers?.map((answer) => answer.status)).toEqual([201, 200, 201]);
    expect(JSON.parse(answers?.[1]?.body ?? '{}').totalResults).toBe(0);
  });

  it('a failed COMMIT answers every grouped write with a SCIM 503, stores nothing, and the reads never saw the rows', async () => {
    poison = true;
    const [[created, found], [other]] = (await sendInOneBatch(server, [[newUser('a@x'), findUser('a@x')], [newUser('b@x')]])) as [[RawAnswer, RawAnswer], [RawAnswer]];
    for (const answer of [created, other]) {
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toContain('application/scim+json');
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.headers['x-request-id']).toBeTruthy();
      expect(JSON.parse(answer.body)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    }
    expect(groups).toBe(1);
    // Handled after the rollback, not inside the group: it must not see a user that was never stored.
    expect(found.status).toBe(200);
    expect(JSON.parse(found.body).totalResults).toBe(0);
    expect(stored('users')).toBe(0);
    expect(stored('events')).toBe(0);

    poison = false;
    const [[again]] = (await sendInOneBatch(server, [[newUser('a@x')]])) as [[RawAnswer]];
    expect(again.status).toBe(201);
    expect(stored('users')).toBe(1);
  });

  it('a refused write in the group answers for itself and leaves the others alone', async () => {
    const answers = await sendInOneBatch(server, [[newUser('a@x')], [newUser('A@X')], [newUser('b@x')]]);
    const statuses = answers.map(([answer]) => answer?.status);
    // Whichever of the two case-variants came first is stored; the other is a uniqueness conflict.
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(1);
    expect(statuses[2]).toBe(201);
    expect(stored('users')).toBe(2);
  });

  it('a search handled inside a group that fails does not answer with its rows', async () => {
    poison = true;
    const search = scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName eq "a@x"' });
    const [[created, found]] = (await sendInOneBatch(server, [[newUser('a@x'), search]])) as [[RawAnswer, RawAnswer]];
    expect(created.status).toBe(503);
    // It read inside the group (a POST is not held back), so it takes the group's outcome.
    expect(found.status).toBe(503);
    expect(userNames()).toEqual([]);
  });

  it('a write still waiting for its body when its batch ran commits on its own, and answers for itself', async () => {
    // The slow body arrives after the batch's run: its write is not part of the group that fails.
    const slow = { ...newUser('slow@x'), lateBytes: 10 };
    const [[grouped], [late]] = (await sendInOneBatch(server, [[newUser('poison@x')], [slow]])) as [[RawAnswer], [RawAnswer]];
    expect(grouped.status).toBe(503);
    expect(late.status).toBe(201);
    expect(userNames()).toEqual(['slow@x']);
  });

  it('a transaction SQLite ends inside a swallowed bookkeeping write fails only the writes made before it', async () => {
    // Stands in for an I/O error that makes SQLite roll back the whole transaction: the token's
    // last-use stamp fails that way, and the token service ignores its failure (bookkeeping only).
    store.sqlite.exec("CREATE TRIGGER lost BEFORE UPDATE OF last_used_at ON scim_tokens BEGIN SELECT RAISE(ROLLBACK, 'simulated'); END");
    const tokens = createTokenService(store);
    const withToken = (request: RawRequest, name: string) => ({ ...request, headers: { ...request.headers, Authorization: `Bearer ${tokens.create(name).token}` } });
    const answers = await sendInOneBatch(server, [[withToken(newUser('a@x'), 'a')], [withToken(newUser('b@x'), 'b')]]);
    const statuses = answers.map(([answer]) => answer?.status);
    // The first request's write opened the group; the second one's stamp ended it (its write then
    // joined a new group). The first is told it failed, the second that it succeeded — both true.
    expect([...statuses].sort()).toEqual([201, 503]);
    const stored = statuses[0] === 201 ? 'a@x' : 'b@x';
    expect(userNames()).toEqual([stored]);
  });

  it('requests that write nothing never open a group (nor take the write lock)', async () => {
    const answers = await sendInOneBatch(server, [
      [{ ...newUser('a@x'), headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/scim+json' } }],
      [scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })],
      [scim('OPTIONS', '/Users')],
    ]);
    expect(answers.map(([answer]) => answer?.status)).toEqual([401, 200, 404]);
    expect(groups).toBe(0);
  });

  it('a write refused while the connection is still inside a failed group answers a SCIM 503, and works once it recovers', async () => {
    const t = createTestScimApp();
    t.store.sqlite.exec('CREATE TABLE trap (ref INTEGER REFERENCES users(key) DEFERRABLE INITIALLY DEFERRED)');
    let running: IterableIterator<unknown> | undefined;
    t.store.writes.during(() => {
      t.directory.users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'lost@x' });
      t.store.sqlite.exec('INSERT INTO trap VALUES (-1)');
      // A statement still running: COMMIT fails on the trap, and ROLLBACK is refused too.
      running = t.store.sqlite.prepare('SELECT key FROM users').iterate();
      running.next();
    });
    const refused = await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@x' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await refused.json()).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    running?.return?.();
    const created = await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'a@x' });
    expect(created.status).toBe(201);
    expect(t.store.sqlite.prepare('SELECT user_name FROM users').pluck().all()).toEqual(['a@x']);
  });
});
