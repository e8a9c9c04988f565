/**
 * A list request as the directory takes it (SearchQuery, src/persistence/directory.ts): its
 * parsed filter and sort key compiled here to SQL, through the attribute lookup that came with
 * them, so callers never see SQL and filtering always happens inside SQLite.
 */
import type { SQL } from 'drizzle-orm';
import type { DirectoryResult, SearchQuery } from '../../persistence/directory.js';
import { ok } from '../../shared/result.js';
import { compileFilter, compileSortKey } from './filter-sql.js';

export interface CompiledSearch {
  where: SQL | undefined;
  orderBy: SQL | undefined;
}

export function compileSearch(query: SearchQuery): DirectoryResult<CompiledSearch> {
  let where: SQL | undefined;
  let orderBy: SQL | undefined;
  if (query.attributes === undefined) return ok({ where, orderBy });
  if (query.filter) {
    const compiled = compileFilter(query.filter, query.attributes);
    if (!compiled.ok) return compiled;
    where = compiled.value;
  }
  if (query.sortBy) {
    const compiled = compileSortKey(query.sortBy, query.attributes);
    if (!compiled.ok) return compiled;
    orderBy = compiled.value;
  }
  return ok({ where, orderBy });
}
