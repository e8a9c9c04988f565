/** Rewriting a user's row after a change, touching no index whose column kept its value. */
import type Database from 'better-sqlite3';
import type { UserColumns } from './user-columns.js';

/** What the UPDATE needs of the row as stored. */
export interface StoredColumns {
  key: number;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
}

const INDEXED = [
  ['userName', 'user_name'],
  ['externalId', 'external_id'],
  ['displayName', 'display_name'],
] as const;

/**
 * The UPDATE of a user's row, naming only the indexed columns whose values change: SQLite
 * rewrites the entries of every index on a column the SET names, changed or not, and each index
 * page it dirties is one more WAL frame at COMMIT. A PATCH of displayName touches the row and the
 * displayName index, not the userName and externalId ones. One statement per set of changed
 * columns, prepared on first use (at most 8).
 */
export function createUserRowUpdate(sqlite: Database.Database) {
  const statements = new Map<number, Database.Statement>();
  const statementFor = (changed: number): Database.Statement => {
    let statement = statements.get(changed);
    if (!statement) {
      const sets = INDEXED.filter((_, bit) => changed & (1 << bit)).map(([name, column]) => `${column} = @${name}`);
      statement = sqlite.prepare(`UPDATE users SET ${[...sets, 'active = @active', 'doc = @doc', 'version = version + 1', 'last_modified = @ts'].join(', ')} WHERE key = @key`);
      statements.set(changed, statement);
    }
    return statement;
  };
  return (row: StoredColumns, columns: UserColumns, doc: string, ts: string): void => {
    const values = { userName: columns.userName, externalId: columns.externalId, displayName: columns.displayName };
    const stored = { userName: row.user_name, externalId: row.external_id, displayName: row.display_name };
    let changed = 0;
    INDEXED.forEach(([name], bit) => {
      if (values[name] !== stored[name]) changed |= 1 << bit;
    });
    const params: Record<string, unknown> = { key: row.key, active: columns.active ? 1 : 0, doc, ts };
    INDEXED.forEach(([name], bit) => {
      if (changed & (1 << bit)) params[name] = values[name];
    });
    statementFor(changed).run(params);
  };
}
