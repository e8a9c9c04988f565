/**
 * The directory: users, groups and memberships, the only writer of their tables. Its interfaces
 * are the store seam's (src/persistence/directory.ts); the implementation is SQLite's
 * (./sqlite/), held to test/contract/directory-contract.ts.
 */
export type * from '../persistence/directory.js';
export {
  changedUserOf,
  createDirectory,
  createUserLookup,
  findUserByAttribute,
  membershipPath,
  parseLinkAttribute,
  SearchBusy,
  startOffThreadSearch,
  type DirectoryDeps,
  type OffThreadSearch,
  type OffThreadSearchOptions,
  type Relations,
} from './sqlite/index.js';
