/**
 * The store for `scimgate token …`. A new database is migrated here (nothing else uses it yet);
 * one that an older scimgate already uses is not: a migration that rebuilds tables (0004) breaks
 * a server still running the old version at once, so the operator is told to stop the servers and
 * run `scimgate migrate` instead.
 */
import { migrationState, openStore, type Store } from '../store/index.js';

export function openTokenStore(databasePath: string, report: (line: string) => void): Store | undefined {
  const probe = openStore(databasePath, { migrate: false });
  const { applied, pending, unknown } = migrationState(probe);
  probe.close();
  if (unknown > 0) {
    report(`database ${databasePath} is from a newer scimgate (${unknown} migration(s) this version does not know); use that version's CLI`);
    return undefined;
  }
  if (applied > 0 && pending > 0) {
    report(
      `database ${databasePath} is from an older scimgate (${pending} migration(s) pending). ` +
        'Stop every scimgate process using it, back it up, then run `scimgate migrate` (or start the new version).',
    );
    return undefined;
  }
  return openStore(databasePath);
}
