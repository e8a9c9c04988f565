/**
 * Opens the database of a running (or stopped) scimgate for a command that is not `serve` or
 * `migrate`: never created, never migrated — a command must not change the schema of a database
 * a running server uses (a migration that rebuilds tables breaks it at once), and a read-only one
 * must not leave an empty file behind. Refuses, with the reason, a missing or empty file and one
 * from another scimgate version. The caller closes it.
 */
import { existsSync } from 'node:fs';
import { migrationState, openStore, type Store } from '../store/index.js';

export function openExistingStore(path: string, report: (line: string) => void): Store | undefined {
  if (path !== ':memory:' && !existsSync(path)) {
    report(`no database at ${path} (set database.path, --database or SCIMGATE_DATABASE)`);
    return undefined;
  }
  let store: Store;
  try {
    store = openStore(path, { migrate: false });
  } catch (error) {
    report(`cannot open database ${path}: ${(error as Error).message}`);
    return undefined;
  }
  const { applied, pending } = migrationState(store);
  if (applied === 0 || pending > 0) {
    store.close();
    report(`database ${path} is ${applied === 0 ? 'empty (no scimgate database here)' : `from another scimgate version (${pending} migration(s) pending; run \`scimgate migrate\`)`}`);
    return undefined;
  }
  return store;
}
