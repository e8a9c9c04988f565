/**
 * User-document criteria (`attribute/<path>`, `scim_filter`) run the SCIM filter evaluator
 * (src/scim/protocol/filter) on the stored document, so their case and type rules are the
 * directory's own: attribute names case-insensitive; strings case-insensitive unless the schema
 * says caseExact; dateTimes as instants; a multi-valued attribute matches when any value does.
 * Their answers depend on the user alone, so each is memoized in the user's facts (which live
 * until the directory changes): a decision then pays one Map lookup per criterion.
 */
import { matchesFilter, type Filter } from '../../scim/protocol/filter/index.js';
import { userSchema } from '../../scim/protocol/schemas/index.js';
import type { PolicyFacts } from '../types.js';

const USER_ATTRIBUTES = userSchema.attributes;

/** A test of the user's document by `filter`, memoized under `slot`; false without a user. */
export function documentTest(filter: Filter, slot: number): (facts: PolicyFacts) => boolean {
  return (facts) => {
    const user = facts.user;
    if (!user) return false;
    const known = user.memo.get(slot);
    if (known !== undefined) return known;
    let answer: boolean;
    try {
      answer = matchesFilter(user.doc, filter, USER_ATTRIBUTES);
    } catch {
      // The evaluator is total over JSON; a document it cannot read is a missing fact, not a crash.
      answer = false;
    }
    user.memo.set(slot, answer);
    return answer;
  };
}

const getKey = (value: unknown, name: string): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : record[key];
};

/** The values at a path, for explain output only: `department = "Sales"`. */
export function readPath(doc: unknown, path: { schema?: string | undefined; attr: string; sub?: string | undefined }): unknown {
  const container = path.schema !== undefined ? (getKey(doc, path.schema) ?? doc) : doc;
  const top = getKey(container, path.attr);
  if (path.sub === undefined) return top;
  const sub = path.sub;
  return Array.isArray(top) ? top.map((item) => getKey(item, sub)) : getKey(top, sub);
}
