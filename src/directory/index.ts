/**
 * The directory: users, groups and memberships, the only writer of their tables. What callers see
 * is exported here; the SQLite implementation lives in ./sqlite/.
 */
export * from './sqlite/index.js';
