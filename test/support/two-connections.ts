/** Two connections to one database file on disk, as two processes (a server, the CLI) would hold them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

export interface TwoConnections {
  /** The connection under test. */
  here: Store;
  /** Another process's connection to the same file. */
  there: Store;
}

/** Opens both before each test and closes them (and removes the file) after it. */
export function useTwoConnections(prefix: string): TwoConnections {
  let dir = '';
  const pair = {} as TwoConnections;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    pair.here = openStore(join(dir, 'db.sqlite'));
    pair.there = openStore(join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    pair.here.close();
    pair.there.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return pair;
}
