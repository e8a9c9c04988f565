// The store seam's contract suites against the SQLite implementations, wired as main.ts wires
// them, on a fresh database file per test (a second connection's view is the file's, not a cache's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionStore } from '../../src/access/sessions/index.js';
import { createDirectory, type Directory } from '../../src/directory/index.js';
import { createSqliteOutbox } from '../../src/hooks/index.js';
import { openStore } from '../../src/store/index.js';
import { createSqliteTokenStore } from '../../src/tokens/sqlite/token-store.js';
import { directoryContract } from './directory-contract.js';
import { outboxContract } from './outbox-contract.js';
import { sessionContract } from './session-contract.js';
import type { OpenStores } from './stores.js';
import { tokenContract } from './token-contract.js';

const openSqlite: OpenStores = (options = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-contract-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const now = options.now ?? (() => new Date());
  let directory: Directory | undefined;
  const sessions = createSessionStore({ store, now, recordRevocation: ({ id, userId, reason }) => directory?.recordSessionRevoked(id, { userId, reason }) });
  directory = createDirectory({ store, now, listeners: options.listeners ?? [] });
  return {
    directory,
    sessions,
    tokens: createSqliteTokenStore(store),
    outbox: createSqliteOutbox(store),
    write: (change) => store.writes.write(change),
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

directoryContract('SQLite', openSqlite);
sessionContract('SQLite', openSqlite);
tokenContract('SQLite', openSqlite);
outboxContract('SQLite', openSqlite);
