/**
 * Opens the database of a running (or stopped) scimgate for a command that is not `serve` or
 * `migrate`: never created, never migrated — a command must not change the schema of a database
 * a running server uses (a migration that rebuilds tables breaks it at once), and a read-only one
 * must not leave an empty file behind. Refuses, with the reason, a missing or empty file and one
 * from an older scimgate (migrations pending) and one from a newer (migrations this build does not
 * know). The caller closes it.
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
  const { applied, pending, unknown } = migrationState(store);
  if (applied === 0 || pending > 0 || unknown > 0) {
    store.close();
    report(`database ${path} is ${problemOf(applied, pending, unknown)}`);
    return undefined;
  }
  return store;
}

function problemOf(applied: number, pending: number, unknown: number): string {
  if (applied === 0) return 'empty (no scimgate database here)';
  // An older CLI writing to a newer schema would skip the rows the newer one writes beside them
  // (audit, outbox): refused, never "best effort".
  if (unknown > 0) return `from a newer scimgate (${unknown} migration(s) this version does not know); use that version's CLI`;
  return `from another scimgate version (${pending} migration(s) pending; run \`scimgate migrate\`)`;
}
