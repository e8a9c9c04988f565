/**
 * A list request as the directory takes it (SearchQuery, src/persistence/directory.ts): its
 * parsed filter and sort key compiled here to SQL, so callers never see SQL and filtering always
 * happens inside SQLite.
 */
import type { SQL } from 'drizzle-orm';
import type { SearchQuery } from '../../persistence/directory.js';
import type { ScimResult } from '../../scim/protocol/errors.js';
import type { ResourceTypeDef } from '../../scim/protocol/schemas/index.js';
import { ok } from '../../shared/result.js';
import { compileFilter, compileSortKey } from './filter-sql.js';

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
