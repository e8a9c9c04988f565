/**
 * Rows for the filter-SQL tests, written with raw SQL (as the directory would store them), and
 * helpers that run a filter text through parseFilter → compileFilter → SQLite.
 */
import type { SQL } from 'drizzle-orm';
import type { DirectoryError } from '../../../src/persistence/directory.js';
import { parseFilter } from '../../../src/scim/protocol/filter/parse.js';
import type { ResourceTypeDef } from '../../../src/scim/protocol/schemas/index.js';
import { groupResourceType, userResourceType } from '../../../src/scim/protocol/schemas/index.js';
import { attributeLookup } from '../../../src/scim/protocol/schemas/lookup.js';
import { openStore, type Store } from '../../../src/store/connection.js';
import { groups, users } from '../../../src/store/schema.js';
import { compileFilter } from '../../../src/directory/sqlite/filter-sql.js';

export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface UserRow {
  id: string;
  userName: string;
  externalId?: string | null;
  displayName?: string | null;
  active?: boolean;
  created?: string;
  lastModified?: string;
  doc?: Record<string, unknown>;
}

export interface GroupRow {
  id: string;
  displayName: string;
  externalId?: string | null;
  created?: string;
  members?: readonly { id: string; type: 'User' | 'Group' }[];
}

export function insertUser(store: Store, row: UserRow): void {
  store.sqlite
    .prepare(
      `INSERT INTO users (id, user_name, external_id, display_name, active, doc, created, last_modified)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.id,
      row.userName,
      row.externalId ?? null,
      row.displayName ?? null,
      row.active === false ? 0 : 1,
      JSON.stringify(row.doc ?? {}),
      row.created ?? '2026-01-01T00:00:00.000Z',
      row.lastModified ?? row.created ?? '2026-01-01T00:00:00.000Z',
    );
}

export function insertGroup(store: Store, row: GroupRow): void {
  store.sqlite
    .prepare(`INSERT INTO groups (id, display_name, external_id, doc, created, last_modified) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(row.id, row.displayName, row.externalId ?? null, JSON.stringify({ displayName: row.displayName }), row.created ?? '2026-01-01T00:00:00.000Z', row.created ?? '2026-01-01T00:00:00.000Z');
  insertMembers(store, row.id, row.members ?? []);
}

/** Direct members of a group; every member must already exist (membership rows hold keys). */
export function insertMembers(store: Store, groupId: string, members: readonly { id: string; type: 'User' | 'Group' }[]): void {
  for (const member of members) {
    const sql =
      member.type === 'User'
        ? 'INSERT INTO group_users (group_key, user_key) VALUES ((SELECT key FROM groups WHERE id = ?), (SELECT key FROM users WHERE id = ?))'
        : 'INSERT INTO group_groups (parent_key, child_key) VALUES ((SELECT key FROM groups WHERE id = ?), (SELECT key FROM groups WHERE id = ?))';
    store.sqlite.prepare(sql).run(groupId, member.id);
  }
}

/** The directory of the example-based tests: a few users and groups with the shapes Entra sends. */
export function exampleStore(): Store {
  const store = openStore(':memory:');
  insertUser(store, {
    id: 'u1',
    userName: 'Alice@Example.com',
    externalId: 'ext-1',
    displayName: 'Alice Smith',
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-06-01T00:00:00.000Z',
    doc: {
      userName: 'Alice@Example.com',
      displayName: 'Alice Smith',
      title: 'Engineer',
      name: { givenName: 'Alice', familyName: 'Smith' },
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@home.org', type: 'home', primary: false },
      ],
      [ENT]: { department: 'R&D', manager: { value: 'u2' } },
    },
  });
  insertUser(store, {
    id: 'u2',
    userName: 'bob',
    externalId: 'EXT-2',
    displayName: 'Bob',
    active: false,
    created: '2026-02-01T00:00:00.000Z',
    doc: {
      userName: 'bob',
      displayName: 'Bob',
      title: 'Manager',
      emails: [{ value: 'bob@corp.com', type: 'work' }],
      phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
      [ENT]: { department: 'Sales' },
    },
  });
  // Entra creates users without emails and later filters on emails: they must simply not match.
  insertUser(store, { id: 'u3', userName: 'carol', created: '2026-03-01T00:00:00.000Z', doc: { userName: 'carol' } });
  // LIKE wildcards and quotes in data, an empty title, and a stray non-object email element.
  insertUser(store, {
    id: 'u4',
    userName: 'dave%_',
    displayName: "D'Arcy",
    created: '2026-04-01T00:00:00.000Z',
    doc: { userName: 'dave%_', displayName: "D'Arcy", title: '', emails: ['junk-string'] },
  });
  insertGroup(store, { id: 'g1', displayName: 'Engineering', externalId: 'gx-1', members: [{ id: 'u1', type: 'User' }] });
  insertGroup(store, { id: 'g2', displayName: 'Sales', members: [{ id: 'u2', type: 'User' }] });
  insertMembers(store, 'g1', [{ id: 'g2', type: 'Group' }]);
  insertGroup(store, { id: 'g3', displayName: 'Empty' });
  return store;
}

function parsed(text: string): Parameters<typeof compileFilter>[0] {
  const filter = parseFilter(text);
  if (!filter.ok) throw new Error(`test filter does not parse: ${text}: ${filter.error.detail}`);
  return filter.value;
}

export function compileText(text: string, resourceType: ResourceTypeDef = userResourceType): ReturnType<typeof compileFilter> {
  return compileFilter(parsed(text), attributeLookup(resourceType));
}

/** Ids matched by a condition on the resource type's table, sorted. */
export function selectIds(store: Store, condition: SQL, resourceType: ResourceTypeDef = userResourceType): string[] {
  const table = resourceType === groupResourceType ? groups : users;
  return store.db
    .select({ id: table.id })
    .from(table)
    .where(condition)
    .all()
    .map((row) => row.id)
    .sort();
}

/** Ids matched by a filter text, or the compile error. */
export function run(store: Store, text: string, resourceType: ResourceTypeDef = userResourceType): string[] | DirectoryError {
  const condition = compileText(text, resourceType);
  return condition.ok ? selectIds(store, condition.value, resourceType) : condition.error;
}

/** EXPLAIN QUERY PLAN details for a filter, joined: what SQLite will actually do. */
export function queryPlan(store: Store, text: string, resourceType: ResourceTypeDef = userResourceType): string {
  const condition = compileText(text, resourceType);
  if (!condition.ok) throw new Error(condition.error.detail);
  const table = resourceType === groupResourceType ? groups : users;
  const query = store.db.select({ id: table.id }).from(table).where(condition.value).toSQL();
  const rows = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[];
  return rows.map((row) => row.detail).join('\n');
}
