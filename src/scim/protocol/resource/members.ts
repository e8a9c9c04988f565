/**
 * Group `members` on input (RFC 7643 §4.2). Membership is not part of the stored group document:
 * the directory keeps it as rows, so it is validated here and handed back on its own.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { isJsonObject } from './json.js';

export interface MemberInput {
  value: string;
  type?: 'User' | 'Group';
}

const MAX_MEMBER_ID_LENGTH = 1_024;

/**
 * `members` as sent: an array (or a single object) of `{value, type?}`; `$ref` and `display` are
 * ignored (we derive them), null means "no members". Repeated ids are listed once.
 */
export function normalizeMembers(raw: unknown): ScimResult<MemberInput[]> {
  if (raw === null || raw === undefined) return ok([]);
  const items = Array.isArray(raw) ? raw : [raw];
  const seen = new Set<string>();
  const members: MemberInput[] = [];
  for (const [index, item] of items.entries()) {
    if (item === null) continue;
    const path = `members[${index}]`;
    if (!isJsonObject(item)) return fail(scimError('invalidValue', `attribute "${path}" must be an object with a "value"`));
    let value: unknown;
    let type: unknown;
    for (const [key, field] of Object.entries(item)) {
      const name = key.toLowerCase();
      if (name === 'value') value = field;
      else if (name === 'type') type = field;
    }
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_MEMBER_ID_LENGTH) {
      return fail(scimError('invalidValue', `attribute "${path}.value" must be the id of a User or Group`));
    }
    const member: MemberInput = { value };
    if (type !== undefined && type !== null && type !== '') {
      const canonical = typeof type === 'string' ? canonicalType(type) : undefined;
      if (!canonical) return fail(scimError('invalidValue', `attribute "${path}.type" must be "User" or "Group"`));
      member.type = canonical;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    members.push(member);
  }
  return ok(members);
}

function canonicalType(type: string): 'User' | 'Group' | undefined {
  const lower = type.trim().toLowerCase();
  if (lower === 'user') return 'User';
  if (lower === 'group') return 'Group';
  return undefined;
}
