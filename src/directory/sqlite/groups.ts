/**
 * Group records: the sole writer of the groups table. Membership edits go through
 * memberships.ts inside the same transaction; no write ever reads a group's member list whole.
 */
import type { ChangeResult, DirectoryResult, GroupRecord, GroupStore } from '../../persistence/directory.js';
import { ok } from '../../shared/result.js';
import { refuse } from '../refuse.js';
import type { JsonObject } from '../../scim/protocol/json.js';
import { groups } from '../../store/schema.js';
import type { ResolvedDeps } from './deps.js';
import type { EventLog } from './events.js';
import { checkIfMatch, createPager } from './records.js';
import type { SearchQuery } from '../../persistence/directory.js';
import { listOffThread } from './off-thread-search.js';
import type { MemberRecord } from '../../persistence/directory.js';
import type { Memberships } from './memberships.js';
import type { MemberChange, MemberInput } from '../../persistence/directory.js';
import type { DocumentChange } from '../../persistence/directory.js';
import type { EdgeWatch, GroupEffects } from './group-effects.js';
import type { EffectiveGroupsChange } from '../../persistence/directory.js';

interface GroupRow {
  key: number;
  id: string;
  display_name: string;
  external_id: string | null;
  doc: string;
  version: number;
  created: string;
  last_modified: string;
}

function toGroupRecord(row: GroupRow): GroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    doc: JSON.parse(row.doc) as JsonObject,
    version: row.version,
    created: row.created,
    lastModified: row.last_modified,
  };
}

/** The users whose effective groups the write changed, for the event (absent when none). */
function effectsOf(watch: EdgeWatch | undefined): { effectiveGroups?: EffectiveGroupsChange[] } {
  const changes = watch?.finish() ?? [];
  return changes.length > 0 ? { effectiveGroups: changes } : {};
}

function groupColumns(doc: JsonObject): { displayName: string; externalId: string | null } {
  return {
    displayName: typeof doc.displayName === 'string' ? doc.displayName : '',
    externalId: typeof doc.externalId === 'string' ? doc.externalId : null,
  };
}

export function createGroupStore(deps: ResolvedDeps, events: EventLog, memberships: Memberships, effects: GroupEffects): GroupStore {
  const { sqlite, writes } = deps.store;
  const listPage = createPager(sqlite, groups, 'Group', toGroupRecord);
  const byId = sqlite.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?');
  const nameTaken = sqlite.prepare<[string, string], { id: string }>(
    'SELECT id FROM groups WHERE lower(display_name) = lower(?) AND id <> ?',
  );
  const insert = sqlite.prepare(
    `INSERT INTO groups (id, display_name, external_id, doc, version, created, last_modified)
     VALUES (@id, @displayName, @externalId, @doc, 1, @ts, @ts)`,
  );
  const update = sqlite.prepare(
    `UPDATE groups SET display_name = @displayName, external_id = @externalId, doc = @doc,
       version = version + 1, last_modified = @ts WHERE id = @id`,
  );
  const remove = sqlite.prepare('DELETE FROM groups WHERE id = ?');

  function uniqueName(displayName: string, id: string): DirectoryResult<void> {
    if (nameTaken.get(displayName, id)) {
      return refuse('uniqueness', `a group with displayName "${displayName}" already exists`);
    }
    return ok(undefined);
  }


  const createChange = (doc: JsonObject, members: MemberInput[]): DirectoryResult<GroupRecord> => {
    const columns = groupColumns(doc);
    const id = deps.newId();
    const unique = uniqueName(columns.displayName, id);
    if (!unique.ok) return unique;
    // Members are checked before anything is written, so a bad one leaves nothing behind.
    const refs = memberships.resolve(members);
    if (!refs.ok) return refs;
    const ts = deps.now().toISOString();
    const key = Number(insert.run({ id, ...columns, doc: JSON.stringify(doc), ts }).lastInsertRowid);
    const watch = refs.value.length > 0 ? effects.watch(key) : undefined;
    memberships.addEdges(key, refs.value, watch);
    events.record({ type: 'group.created', resourceType: 'Group', resourceId: id, ...effectsOf(watch) }, ts);
    return ok(toGroupRecord(byId.get(id) as GroupRow));
  };

  const modifyChange = (id: string, change: DocumentChange | undefined, memberChanges: MemberChange[], ifMatch: string | undefined): ChangeResult<GroupRecord> => {
      const row = byId.get(id);
      if (!row) return refuse('not-found', `Group ${id} not found`);
      const allowed = checkIfMatch(row.version, ifMatch);
      if (!allowed.ok) return allowed;
      let doc = JSON.parse(row.doc) as JsonObject;
      if (change) {
        const next = change(doc);
        if (!next.ok) return next;
        doc = next.value;
      }
      const columns = groupColumns(doc);
      const unique = uniqueName(columns.displayName, id);
      if (!unique.ok) return unique;
      const watch = memberChanges.length > 0 ? effects.watch(row.key) : undefined;
      const applied = memberships.apply(row.key, memberChanges, watch);
      if (!applied.ok) return applied; // apply validates before it writes, so nothing is half-done
      // Only member operations, and none changed anything (removing a non-member): nothing changed,
      // so neither the version nor the event log moves — every version step has its event.
      if (!change && applied.value === 0) return ok(toGroupRecord(row));
      const ts = deps.now().toISOString();
      update.run({ id, ...columns, doc: JSON.stringify(doc), ts });
      if (applied.value > 0) {
        events.record({ type: 'group.members_changed', resourceType: 'Group', resourceId: id, ...effectsOf(watch) }, ts);
      }
      if (change) events.record({ type: 'group.updated', resourceType: 'Group', resourceId: id }, ts);
      return ok(toGroupRecord(byId.get(id) as GroupRow));
  };

  const deleteChange = (id: string, ifMatch: string | undefined): DirectoryResult<void> => {
    const row = byId.get(id);
    if (!row) return refuse('not-found', `Group ${id} not found`);
    const allowed = checkIfMatch(row.version, ifMatch);
    if (!allowed.ok) return allowed;
    const watch = effects.watch(row.key);
    memberships.removeAllEdges(row.key, watch);
    memberships.removeMemberEverywhere('Group', row.key, watch);
    remove.run(id);
    events.record({ type: 'group.deleted', resourceType: 'Group', resourceId: id, ...effectsOf(watch) }, deps.now().toISOString());
    return ok(undefined);
  };

  return {
    get(id: string): GroupRecord | undefined {
      const row = byId.get(id);
      return row ? toGroupRecord(row) : undefined;
    },
    // Each write is one unit of work (src/store/unit-of-work.ts): atomic with its events, in its batch's group commit.
    create: (doc: JsonObject, members: MemberInput[] = []): DirectoryResult<GroupRecord> => writes.write(() => createChange(doc, members)),
    /** Change the document and/or membership in one transaction. */
    modify: (id: string, change: DocumentChange | undefined, memberChanges: MemberChange[], ifMatch?: string): ChangeResult<GroupRecord> =>
      writes.write(() => modifyChange(id, change, memberChanges, ifMatch)),
    delete: (id: string, ifMatch?: string): DirectoryResult<void> => writes.write(() => deleteChange(id, ifMatch)),
    list: (query: SearchQuery) => listPage(query),
    /** The same search on the search thread (with the page's relationships), when it may be slow; else undefined. */
    listOffThread: (query: SearchQuery, withRelations: boolean, abandoned?: () => AbortSignal | undefined) =>
      listOffThread<GroupRecord, Map<string, MemberRecord[]>>(deps.offThread, 'Group', query, withRelations, abandoned),
  };
}

