/**
 * Which list requests may run on the request thread: those SQLite answers from an index without
 * looking at every resource — `userName eq`, `externalId eq`, `id eq`, `displayName eq`,
 * `members[value eq …]`, `groups[value eq …]`, joined by `and` (one indexed side narrows it) or
 * `or` (every side indexed), and unfiltered, unsorted pages (a keyset seek: filter-sql/keyset.ts).
 * Everything else — substring and ordering tests, `not`, presence, sortBy — may test every
 * resource and goes to the search thread (directory/sqlite/off-thread-search.ts).
 *
 * Read from the filter's shape rather than measured: what matters is what a request *could* cost,
 * and SQLite cannot be stopped once it has started.
 */
import type { Filter } from '../../scim/protocol/filter/ast.js';
import type { ResourceTypeName } from '../../scim/protocol/schemas/index.js';
import type { SearchQuery } from '../../persistence/directory.js';

/** Attributes with a column and an index per resource type (store/schema.ts), lower-cased. */
const INDEXED: Record<string, ReadonlySet<string>> = {
  User: new Set(['id', 'username', 'externalid', 'displayname']),
  Group: new Set(['id', 'displayname', 'externalid']),
};
/** The multi-valued attribute whose `value` is searched through the membership indexes. */
const MEMBERSHIP: Record<string, string> = { User: 'groups', Group: 'members' };

const CORE_SCHEMA = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i;

function coreAttr(filter: Extract<Filter, { kind: 'compare' | 'valuePath' }>): string | undefined {
  if (filter.path.schema !== undefined && !CORE_SCHEMA.test(filter.path.schema)) return undefined;
  return filter.path.attr.toLowerCase();
}

/** `value eq x` inside a membership value path (`members[value eq "id"]`), joined as at the top. */
function indexedElement(filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return indexedElement(filter.left) || indexedElement(filter.right);
    case 'or':
      return indexedElement(filter.left) && indexedElement(filter.right);
    case 'compare':
      return filter.op === 'eq' && filter.value !== null && filter.path.attr.toLowerCase() === 'value' && filter.path.sub === undefined;
    default:
      return false;
  }
}

/** True when SQLite can find the filter's matches through an index. */
export function isIndexedFilter(filter: Filter, resourceType: ResourceTypeName): boolean {
  switch (filter.kind) {
    case 'and':
      return isIndexedFilter(filter.left, resourceType) || isIndexedFilter(filter.right, resourceType);
    case 'or':
      return isIndexedFilter(filter.left, resourceType) && isIndexedFilter(filter.right, resourceType);
    case 'compare': {
      if (filter.op !== 'eq' || filter.value === null) return false;
      const attr = coreAttr(filter);
      if (attr === undefined) return false;
      if (attr === MEMBERSHIP[resourceType]) return filter.path.sub === undefined || filter.path.sub.toLowerCase() === 'value';
      return filter.path.sub === undefined && (INDEXED[resourceType]?.has(attr) ?? false);
    }
    case 'valuePath':
      return coreAttr(filter) === MEMBERSHIP[resourceType] && indexedElement(filter.filter);
    default:
      return false;
  }
}

/** True when the request can only cost an indexed lookup and a page: it may run on the request thread. */
export function runsInline(query: SearchQuery, resourceType: ResourceTypeName): boolean {
  if (query.sortBy !== undefined) return false;
  return query.filter === undefined || isIndexedFilter(query.filter, resourceType);
}
