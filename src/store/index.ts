export { startCheckpointer, type Checkpointer } from './checkpointer.js';
export { openStore, openedFile, migrationState, MIGRATIONS_FOLDER, type Db, type Store, type OpenStoreOptions } from './connection.js';
export * as tables from './schema.js';
export { DatabaseBusy, isBusyError } from './database-busy.js';
export type { UnitOfWork } from './unit-of-work.js';
export { WriteGroupFailed } from './write-group.js';
