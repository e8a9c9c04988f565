/**
 * Directory records → SCIM resources as sent on the wire: the stored document plus id,
 * meta (RFC 7643 §3.1) and the relationships kept as rows (a group's members, a user's groups).
 */
import type { GroupRecord, MemberRecord, UserGroupRecord, UserRecord } from '../directory/index.js';
import { etagOf } from '../shared/etag.js';
import type { JsonObject, JsonValue } from './protocol/json.js';

function meta(resourceType: 'User' | 'Group', record: { id: string; created: string; lastModified: string; version: number }, base: string): JsonObject {
  return {
    resourceType,
    created: record.created,
    lastModified: record.lastModified,
    location: `${base}/${resourceType}s/${record.id}`,
    version: etagOf(record.version),
  };
}

/** `schemas` first and `id` next reads well in logs and matches the RFC's examples. */
function assemble(doc: JsonObject, id: string, extra: JsonObject, metaValue: JsonObject): JsonObject {
  const { schemas, ...rest } = doc;
  return { schemas: schemas ?? [], id, ...rest, ...extra, meta: metaValue };
}

export function userView(record: UserRecord, groups: readonly UserGroupRecord[] | undefined, base: string): JsonObject {
  const extra: JsonObject = {};
  if (groups && groups.length > 0) {
    extra.groups = groups.map(
      (group): JsonValue => ({ value: group.groupId, $ref: `${base}/Groups/${group.groupId}`, display: group.display, type: group.type }),
    );
  }
  return assemble(record.doc, record.id, extra, meta('User', record, base));
}

export function groupView(record: GroupRecord, members: readonly MemberRecord[] | undefined, base: string): JsonObject {
  const extra: JsonObject = {};
  if (members) {
    extra.members = members.map((member): JsonValue => {
      const entry: JsonObject = { value: member.value, type: member.type, $ref: `${base}/${member.type}s/${member.value}` };
      if (member.display !== null) entry.display = member.display;
      return entry;
    });
  }
  return assemble(record.doc, record.id, extra, meta('Group', record, base));
}
