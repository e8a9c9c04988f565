export { startCheckpointer, type Checkpointer } from './checkpointer.js';
export { openStore, migrationState, MIGRATIONS_FOLDER, type Db, type Store, type OpenStoreOptions } from './connection.js';
export * as tables from './schema.js';
export { WriteGroupFailed, type WriteGroup } from './write-group.js';
