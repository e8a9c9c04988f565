/**
 * A list request as the directory takes it: a parsed filter and sort key, compiled here to
 * SQL so callers never see SQL and filtering always happens inside SQLite.
 */
import type { SQL } from 'drizzle-orm';
import type { Filter } from '../../scim/protocol/filter/ast.js';
import type { ScimResult } from '../../scim/protocol/errors.js';
import { ok } from '../../shared/result.js';
import type { AttrPath, ResourceTypeDef } from '../../scim/protocol/schemas/index.js';
import { compileFilter, compileSortKey } from './filter-sql.js';
import type { PagePosition } from './filter-sql/keyset.js';

export type { PagePosition } from './filter-sql/keyset.js';

export interface SearchQuery {
  filter?: Filter | undefined;
  sortBy?: AttrPath | undefined;
  descending?: boolean | undefined;
  /** 0-based; ignored when `after` is given. */
  offset: number;
  /** Start after this resource (a cursor's position, RFC 9865), at any depth for the same cost. */
  after?: PagePosition | undefined;
  limit: number;
}

export interface CompiledSearch {
  where: SQL | undefined;
  orderBy: SQL | undefined;
}

export function compileSearch(query: SearchQuery, resourceType: ResourceTypeDef): ScimResult<CompiledSearch> {
  let where: SQL | undefined;
  let orderBy: SQL | undefined;
  if (query.filter) {
    const compiled = compileFilter(query.filter, resourceType);
    if (!compiled.ok) return compiled;
    where = compiled.value;
  }
  if (query.sortBy) {
    const compiled = compileSortKey(query.sortBy, resourceType);
    if (!compiled.ok) return compiled;
    orderBy = compiled.value;
  }
  return ok({ where, orderBy });
}
