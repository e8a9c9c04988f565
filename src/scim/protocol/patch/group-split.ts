/**
 * Group PATCH without loading the group: membership edits are split off as an ordered list the
 * directory applies with SQL (a group may have 100k members), and the remaining operations are
 * applied by applyPatch to the group document, which carries no members.
 *
 * Forms understood (all from RFC 7644 §3.5.2 or Entra):
 * - add `members` [{value, type?, $ref?}] (Entra: an array, often one op per member, `$ref` null)
 * - remove `members[value eq "id"]`, also `or`-chains of `value eq`
 * - remove `members` with a value list: Entra's form, removes only the listed members
 * - remove `members` without value: all members
 * - replace `members` (or a path-less replace/add whose value has `members`)
 */
import { listedValuesFromEntra } from '../entra-quirks.js';
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import type { Filter } from '../filter/index.js';
import { GROUP_SCHEMA } from '../schemas/index.js';
import { isJsonObject, setKey, type JsonObject } from './json.js';
import { printPatchPath, type PatchPath } from './path.js';
import type { PatchOperation } from './request.js';
import { normalizeMembers, type MemberInput } from '../resource/members.js';

export type { MemberInput } from '../resource/members.js';

export type MemberChange =
  | { kind: 'add'; members: MemberInput[] }
  | { kind: 'remove'; values: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; members: MemberInput[] };

export interface GroupPatchPlan {
  docOps: PatchOperation[];
  memberChanges: MemberChange[];
}

const MEMBERS_KEYS = new Set(['members', `${GROUP_SCHEMA}:members`.toLowerCase()]);

function isMembersPath(path: PatchPath): boolean {
  const { schema, attr } = path.attrPath;
  return attr.toLowerCase() === 'members' && (schema === undefined || schema.toLowerCase() === GROUP_SCHEMA.toLowerCase());
}

/** `value eq "a" or value eq "b"` → ["a", "b"]; undefined for any other filter. */
function valueIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = valueIds(filter.left);
    const right = valueIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const { schema, attr, sub } = filter.path;
  return schema === undefined && sub === undefined && attr.toLowerCase() === 'value' ? [filter.value] : undefined;
}

function membersOperation(operation: PatchOperation, path: PatchPath): ScimResult<MemberChange[]> {
  const where = printPatchPath(path).slice(0, 200);
  if (path.attrPath.sub !== undefined || path.subAttr !== undefined) {
    return fail(scimError('invalidPath', `"${where}": member sub-attributes cannot be patched; remove and add the member instead`));
  }
  if (path.valueFilter) {
    if (operation.op !== 'remove') return fail(scimError('invalidPath', `"${where}": ${operation.op} takes the path "members" without a filter`));
    const ids = valueIds(path.valueFilter);
    if (!ids) return fail(scimError('invalidFilter', `"${where}": members can only be selected by value eq "<id>", optionally joined by or`));
    return ok([{ kind: 'remove', values: ids }]);
  }
  if (operation.op === 'remove') {
    if (operation.value === undefined || operation.value === null) return ok([{ kind: 'removeAll' }]);
    const ids = listedValuesFromEntra(operation.value);
    if (!ids.ok) return ids;
    return ok(ids.value.length === 0 ? [] : [{ kind: 'remove', values: ids.value }]);
  }
  if (operation.op === 'add' && operation.value === null) return fail(scimError('invalidValue', 'add members needs a list of members'));
  const members = normalizeMembers(operation.value);
  if (!members.ok) return members;
  if (operation.op === 'replace') return ok([{ kind: 'replace', members: members.value }]);
  return ok(members.value.length === 0 ? [] : [{ kind: 'add', members: members.value }]);
}

/**
 * Split a Group PATCH into document operations and membership changes, both in request order.
 * Pure; validates member values, so a bad member fails before anything is written.
 */
export function splitGroupPatch(operations: readonly PatchOperation[]): ScimResult<GroupPatchPlan> {
  const docOps: PatchOperation[] = [];
  const memberChanges: MemberChange[] = [];
  for (const operation of operations) {
    if (operation.path && isMembersPath(operation.path)) {
      const changes = membersOperation(operation, operation.path);
      if (!changes.ok) return changes;
      memberChanges.push(...changes.value);
      continue;
    }
    if (operation.path || operation.op === 'remove' || !isJsonObject(operation.value)) {
      docOps.push(operation);
      continue;
    }
    // Path-less {displayName, members, …}: members go to the directory, the rest to the document.
    const rest: JsonObject = {};
    for (const [key, item] of Object.entries(operation.value)) {
      if (!MEMBERS_KEYS.has(key.toLowerCase())) {
        setKey(rest, key, item);
        continue;
      }
      const members = normalizeMembers(item);
      if (!members.ok) return members;
      if (operation.op === 'replace') memberChanges.push({ kind: 'replace', members: members.value });
      else if (members.value.length > 0) memberChanges.push({ kind: 'add', members: members.value });
    }
    if (Object.keys(rest).length > 0) docOps.push({ ...operation, value: rest });
  }
  return ok({ docOps, memberChanges });
}
