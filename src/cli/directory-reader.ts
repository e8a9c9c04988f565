/**
 * The database and routes the read-only commands (`access review|user`, `policy explain|test`)
 * answer from: the configured database opened as it is (./existing-store.ts: these commands only
 * read, and must not change a database a running server uses), the directory over it, and the
 * config's routes as a policy source. The caller closes it.
 */
import { createPolicySource, type PolicySource } from '../access/index.js';
import type { Config } from '../config/index.js';
import { createDirectory, type Directory } from '../directory/index.js';
import { openExistingStore } from './existing-store.js';

export interface DirectoryReader {
  directory: Directory;
  policies: PolicySource;
  close(): void;
}

export function openDirectoryReader(config: Config, report: (line: string) => void): DirectoryReader | undefined {
  const store = openExistingStore(config.database.path, report);
  if (!store) return undefined;
  return { directory: createDirectory({ store }), policies: createPolicySource(config.routes), close: () => store.close() };
}
