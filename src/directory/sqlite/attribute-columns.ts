/**
 * Where each SCIM attribute lives in our SQLite tables: a real column (id, userName, …), the
 * JSON document (`doc`), a constant (meta.resourceType), or other tables (group_users, group_groups).
 * The filter and sortBy compilers ask this module for SQL expressions and never spell out a
 * column or JSON path themselves, so a storage change is one edit here.
 *
 * JSON paths are bound parameters like every other value; attribute names come from the schema
 * registry (canonical spelling), which is also how the directory writes the documents.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DirectoryResult } from '../../persistence/directory.js';
import { ok } from '../../shared/result.js';
import type { AttributeDef, ResolvedAttribute, ResourceTypeName } from '../../scim/protocol/schemas/index.js';
import { refuse } from '../refuse.js';
import { groups, users } from '../../store/schema.js';
import type { Collection, SubScope, Target } from './sql-operands.js';
import { userGroupsCollection } from './user-groups-sql.js';

export type { Collection, Operand, SubScope, Target } from './sql-operands.js';

export type ResourceTable = typeof users | typeof groups;

export const tableOf = (resourceType: ResourceTypeName): ResourceTable => (resourceType === 'User' ? users : groups);

const notFilterable = (name: string, why: string): DirectoryResult<never> =>
  refuse('invalid-filter', `attribute "${name}" cannot be used in a filter: ${why}`);

/** `$."a"."b"`: quoted keys, so URNs with colons and dots stay one key. */
const jsonPath = (keys: readonly string[]): string => `$${keys.map((key) => `."${key}"`).join('')}`;

/** Columns that copy a document value and carry the indexes (see store/schema.ts). */
function columnFor(table: ResourceTable, attribute: AttributeDef): SQL | undefined {
  switch (attribute.name) {
    case 'id':
      return sql`${table.id}`;
    case 'externalId':
      return sql`${table.externalId}`;
    case 'displayName':
      return sql`${table.displayName}`;
    case 'userName':
      return table === users ? sql`${users.userName}` : undefined;
    case 'active':
      return table === users ? sql`${users.active}` : undefined;
    default:
      return undefined;
  }
}

/** meta is not in the document: created/lastModified are columns, resourceType is the table itself. */
function metaScope(resourceType: ResourceTypeName, table: ResourceTable): SubScope {
  return (sub) => {
    switch (sub.name) {
      case 'created':
        return ok({ attribute: sub, expr: sql`${table.created}` });
      case 'lastModified':
        return ok({ attribute: sub, expr: sql`${table.lastModified}` });
      case 'resourceType':
        return ok({ attribute: sub, expr: sql`${resourceType}` });
      default:
        return notFilterable(`meta.${sub.name}`, 'it is derived when the resource is returned');
    }
  };
}

/** Values stored in the JSON document under `keys` (core attribute, or extension URN + attribute). */
function documentTarget(table: ResourceTable, attribute: AttributeDef, keys: readonly string[]): Target {
  if (attribute.multiValued) return { kind: 'collection', collection: jsonCollection(table, attribute, keys) };
  if (attribute.type === 'complex') {
    return {
      kind: 'complex',
      attribute,
      sub: (sub) => ok({ attribute: sub, expr: sql`json_extract(${table.doc}, ${jsonPath([...keys, sub.name])})` }),
      exists: sql`(json_type(${table.doc}, ${jsonPath(keys)}) = 'object')`,
    };
  }
  return { kind: 'scalar', operand: { attribute, expr: sql`json_extract(${table.doc}, ${jsonPath(keys)})` } };
}

/**
 * A JSON array walked with json_each. Sub-attributes are read only from object elements: the
 * CASE keeps json_extract away from a stray string element, which would otherwise make SQLite
 * raise "malformed JSON" for the whole query.
 */
function jsonCollection(table: ResourceTable, attribute: AttributeDef, keys: readonly string[]): Collection {
  const path = jsonPath(keys);
  const field = (name: string): SQL => sql`(CASE WHEN "e"."type" = 'object' THEN json_extract("e"."value", ${jsonPath([name])}) END)`;
  // Present as evaluate.ts reads it: an element counts when one of its sub-attributes has a value.
  const subs = attribute.subAttributes ?? [];
  const subPresent = subs.map((sub) => sql`coalesce(${field(sub.name)}, '') <> ''`);
  const anySubPresent = sql`(CASE WHEN "e"."type" = 'object' THEN ${subPresent.length === 0 ? sql`0` : sql.join(subPresent, sql` OR `)} ELSE coalesce("e"."atom", '') <> '' END)`;
  return {
    key: `${table === users ? 'users' : 'groups'} json ${path}`,
    attribute,
    element: (sub) => ok({ attribute: sub, expr: field(sub.name) }),
    exists: (condition) => sql`EXISTS (SELECT 1 FROM json_each(${table.doc}, ${path}) AS "e" WHERE ${condition})`,
    nonEmpty: sql`EXISTS (SELECT 1 FROM json_each(${table.doc}, ${path}) AS "e" WHERE ${anySubPresent})`,
    primaryValue: (expr) =>
      sql`(SELECT ${expr} FROM json_each(${table.doc}, ${path}) AS "e" ORDER BY ${field('primary')} IS 1 DESC, "e"."key" LIMIT 1)`,
  };
}

/**
 * A group's direct members as rows "gm" (group key, member id, member type): the user and group
 * edges with their keys turned back into ids. `members[value eq "id"]` is written as
 * `key IN (…)`, and SQLite pushes the condition into both arms: the id's unique index gives its
 * key, the member-side index the groups holding it — it never probes each group in turn.
 * Presence stays a per-group EXISTS: one primary-key probe of each edge table.
 */
const directMembers = sql.raw(`(
  SELECT gu.group_key, u.id AS member_id, 'User' AS member_type
    FROM group_users gu JOIN users u ON u.key = gu.user_key
  UNION ALL
  SELECT gg.parent_key, c.id, 'Group'
    FROM group_groups gg JOIN groups c ON c.key = gg.child_key
) AS "gm"`);

function groupMembersCollection(attribute: AttributeDef): Collection {
  return {
    key: 'groups members',
    attribute,
    element: (sub) => {
      if (sub.name === 'value') return ok({ attribute: sub, expr: sql`"gm"."member_id"` });
      if (sub.name === 'type') return ok({ attribute: sub, expr: sql`"gm"."member_type"` });
      return notFilterable(`members.${sub.name}`, 'filter on members.value or members.type');
    },
    exists: (condition) => sql`${groups.key} IN (SELECT "gm"."group_key" FROM ${directMembers} WHERE ${condition})`,
    nonEmpty: sql`(EXISTS (SELECT 1 FROM group_users WHERE group_users.group_key = ${groups.key}) OR EXISTS (SELECT 1 FROM group_groups WHERE group_groups.parent_key = ${groups.key}))`,
  };
}

/** Where a resolved top-level attribute (no sub-attribute) lives for this resource type. */
export function attributeTarget(resourceType: ResourceTypeName, resolved: ResolvedAttribute): DirectoryResult<Target> {
  const table = tableOf(resourceType);
  const { attribute } = resolved;
  if (resolved.inExtension && resolved.schemaId !== undefined) return ok(documentTarget(table, attribute, [resolved.schemaId, attribute.name]));
  if (resolved.schemaId === undefined && attribute.name === 'meta') return ok({ kind: 'complex', attribute, sub: metaScope(resourceType, table), exists: sql`1` });
  const column = columnFor(table, attribute);
  if (column) return ok({ kind: 'scalar', operand: { attribute, expr: column } });
  if (table === users && attribute.name === 'password') return notFilterable('password', 'it is write-only');
  if (table === users && attribute.name === 'groups') return ok({ kind: 'collection', collection: userGroupsCollection(attribute) });
  if (table === groups && attribute.name === 'members') return ok({ kind: 'collection', collection: groupMembersCollection(attribute) });
  return ok(documentTarget(table, attribute, [attribute.name]));
}
