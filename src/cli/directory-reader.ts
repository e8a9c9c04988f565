/**
 * The database and routes the read-only commands (`access review|user`, `policy explain|test`)
 * answer from: the configured database opened without migrating (these commands only read, and
 * must not change a database a running server uses), the directory over it, and the config's
 * routes as a policy source. The caller closes it.
 */
import { existsSync } from 'node:fs';
import { createPolicySource, type PolicySource } from '../access/index.js';
import type { Config } from '../config/index.js';
import { createDirectory, type Directory } from '../directory/index.js';
import { migrationState, openStore, type Store } from '../store/index.js';

export interface DirectoryReader {
  directory: Directory;
  policies: PolicySource;
  close(): void;
}

export function openDirectoryReader(config: Config, report: (line: string) => void): DirectoryReader | undefined {
  // Opening creates a missing file; a read-only command must not leave an empty database behind.
  if (config.database.path !== ':memory:' && !existsSync(config.database.path)) {
    report(`no database at ${config.database.path} (set database.path, --database or SCIMGATE_DATABASE)`);
    return undefined;
  }
  let store: Store;
  try {
    store = openStore(config.database.path, { migrate: false });
  } catch (error) {
    report(`cannot open database ${config.database.path}: ${(error as Error).message}`);
    return undefined;
  }
  const { applied, pending } = migrationState(store);
  if (applied === 0 || pending > 0) {
    store.close();
    report(`database ${config.database.path} is ${applied === 0 ? 'empty (no scimgate database here)' : `from another scimgate version (${pending} migration(s) pending; run \`scimgate migrate\`)`}`);
    return undefined;
  }
  return { directory: createDirectory({ store }), policies: createPolicySource(config.routes), close: () => store.close() };
}
