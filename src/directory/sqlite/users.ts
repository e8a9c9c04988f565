/**
 * User records: the sole writer of the users table. Every write runs in one transaction
 * with its change event, and checks the If-Match precondition inside that transaction.
 */
import type { ChangeResult, DirectoryResult, UserRecord, DocumentChange, UserStore } from '../../persistence/directory.js';
import { ok } from '../../shared/result.js';
import { refuse } from '../refuse.js';
import type { JsonObject } from '../../scim/protocol/json.js';
import { users } from '../../store/schema.js';
import type { ResolvedDeps } from './deps.js';
import type { EventLog } from './events.js';
import { checkIfMatch, createPager } from './records.js';
export type { Page } from '../../persistence/directory.js';
import type { SearchQuery } from '../../persistence/directory.js';
import { listOffThread } from './off-thread-search.js';
import type { UserGroupRecord } from '../../persistence/directory.js';
import type { Memberships } from './memberships.js';
import { userColumns } from './user-columns.js';
import { createUserRowUpdate } from './user-row-update.js';
import { changedUser } from './changed-user.js';

interface UserRow {
  key: number;
  id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: number;
  doc: string;
  version: number;
  created: string;
  last_modified: string;
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id,
    displayName: row.display_name,
    active: row.active === 1,
    doc: JSON.parse(row.doc) as JsonObject,
    version: row.version,
    created: row.created,
    lastModified: row.last_modified,
  };
}

export function createUserStore(deps: ResolvedDeps, events: EventLog, memberships: Memberships): UserStore {
  const { sqlite, writes } = deps.store;
  const listPage = createPager(sqlite, users, 'User', toUserRecord);
  const byId = sqlite.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const nameTaken = sqlite.prepare<[string, string], { id: string }>(
    'SELECT id FROM users WHERE lower(user_name) = lower(?) AND id <> ?',
  );
  const insert = sqlite.prepare(
    `INSERT INTO users (id, user_name, external_id, display_name, active, doc, version, created, last_modified)
     VALUES (@id, @userName, @externalId, @displayName, @active, @doc, 1, @ts, @ts)`,
  );
  const update = createUserRowUpdate(sqlite);
  const remove = sqlite.prepare('DELETE FROM users WHERE id = ?');

  function uniqueUserName(userName: string, id: string): DirectoryResult<void> {
    if (nameTaken.get(userName, id)) return refuse('uniqueness', `userName "${userName}" is already taken`);
    return ok(undefined);
  }


  // Both writes answer with the record as stored without reading the row back: its columns are
  // the ones just written, and its document is parsed from the very text stored.
  const createChange = (doc: JsonObject): DirectoryResult<UserRecord> => {
    const columns = userColumns(doc);
    const id = deps.newId();
    const unique = uniqueUserName(columns.userName, id);
    if (!unique.ok) return unique;
    const ts = deps.now().toISOString();
    const text = JSON.stringify(doc);
    insert.run({ id, ...columns, active: columns.active ? 1 : 0, doc: text, ts });
    events.record({ type: 'user.created', resourceType: 'User', resourceId: id, user: changedUser(id, columns.userName, columns.externalId, doc) }, ts);
    return ok({ id, ...columns, doc: JSON.parse(text) as JsonObject, version: 1, created: ts, lastModified: ts });
  };

  const modifyChange = (id: string, change: DocumentChange, ifMatch: string | undefined): ChangeResult<UserRecord> => {
    const row = byId.get(id);
    if (!row) return refuse('not-found', `User ${id} not found`);
    const allowed = checkIfMatch(row.version, ifMatch);
    if (!allowed.ok) return allowed;
    const next = change(JSON.parse(row.doc) as JsonObject);
    if (!next.ok) return next;
    const columns = userColumns(next.value);
    // Unchanged, the row's own name is unique already (the index says so); only a rename is checked.
    if (columns.userName !== row.user_name) {
      const unique = uniqueUserName(columns.userName, id);
      if (!unique.ok) return unique;
    }
    const ts = deps.now().toISOString();
    const text = JSON.stringify(next.value);
    update(row, columns, text, ts);
    const wasActive = row.active === 1;
    const type = wasActive && !columns.active ? 'user.deactivated' : !wasActive && columns.active ? 'user.reactivated' : 'user.updated';
    events.record({ type, resourceType: 'User', resourceId: id, user: changedUser(id, columns.userName, columns.externalId, next.value) }, ts);
    return ok({ id, ...columns, doc: JSON.parse(text) as JsonObject, version: row.version + 1, created: row.created, lastModified: ts });
  };

  const deleteChange = (id: string, ifMatch: string | undefined): DirectoryResult<void> => {
    const row = byId.get(id);
    if (!row) return refuse('not-found', `User ${id} not found`);
    const allowed = checkIfMatch(row.version, ifMatch);
    if (!allowed.ok) return allowed;
    memberships.removeMemberEverywhere('User', row.key);
    // Listeners run while the row is still there (persistence/directory.ts, ChangeListener): the
    // hooks name the user as it was, also on the session revocations this deletion causes.
    const user = changedUser(id, row.user_name, row.external_id, JSON.parse(row.doc) as JsonObject);
    events.record({ type: 'user.deleted', resourceType: 'User', resourceId: id, user }, deps.now().toISOString());
    remove.run(id);
    return ok(undefined);
  };

  return {
    get(id: string): UserRecord | undefined {
      const row = byId.get(id);
      return row ? toUserRecord(row) : undefined;
    },
    // Each write is one unit of work (src/store/unit-of-work.ts): atomic with its events, in its batch's group commit.
    create: (doc: JsonObject): DirectoryResult<UserRecord> => writes.write(() => createChange(doc)),
    /** Replace or patch: `change` sees the stored document and returns the one to store. */
    modify: (id: string, change: DocumentChange, ifMatch?: string): ChangeResult<UserRecord> => writes.write(() => modifyChange(id, change, ifMatch)),
    delete: (id: string, ifMatch?: string): DirectoryResult<void> => writes.write(() => deleteChange(id, ifMatch)),
    list: (query: SearchQuery) => listPage(query),
    /** The same search on the search thread (with the page's relationships), when it may be slow; else undefined. */
    listOffThread: (query: SearchQuery, withRelations: boolean, abandoned?: () => AbortSignal | undefined) =>
      listOffThread<UserRecord, Map<string, UserGroupRecord[]>>(deps.offThread, 'User', query, withRelations, abandoned),
  };
}

