/**
 * A database file in a fresh temp directory, and stores opened on it, each undone by the test's
 * own cleanup list (run in reverse after each test): the store closes before its directory goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';

export type Cleanups = (() => Promise<void> | void)[];

/** The path of a database file not yet created, in a directory removed after the test. */
export function tempDatabase(cleanups: Cleanups, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'db.sqlite');
}

/** The store at `path` (migrated), closed after the test. */
export function openTempStore(cleanups: Cleanups, path: string): Store {
  const store = openStore(path);
  cleanups.push(() => store.close());
  return store;
}
