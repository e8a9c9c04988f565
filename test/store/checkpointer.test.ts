/**
 * Background checkpoints: with the worker running, commits never checkpoint on the event loop,
 * yet the WAL is still copied into the database file; if the worker fails, SQLite's automatic
 * checkpoints come back on.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, startCheckpointer, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-checkpoint-'));
  store = openStore(join(dir, 'db.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const autocheckpoint = () => store.sqlite.pragma('wal_autocheckpoint', { simple: true });
const fileBytes = () => statSync(join(dir, 'db.sqlite')).size;
/** ~6 MB of rows: well past the 1000-page automatic checkpoint threshold. */
const writeMuch = () => {
  const insert = store.sqlite.prepare("INSERT INTO server_keys (name, key, created_at) VALUES (?, randomblob(3000), 'now')");
  store.sqlite.transaction(() => {
    for (let n = 0; n < 2000; n++) insert.run(`k${n}-${Math.random()}`);
  })();
};
/** Polls until `done`; no deadline of its own (a worker starts late on a busy machine): the test's timeout catches a hang. */
const waitFor = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('background checkpointer', () => {
  it('turns automatic checkpoints off and checkpoints from its worker instead', async () => {
    const checkpointer = startCheckpointer(store, { intervalMs: 20 });
    try {
      expect(autocheckpoint()).toBe(0);
      const before = fileBytes();
      writeMuch();
      // With automatic checkpoints off, only the worker copies the WAL into the database file.
      await waitFor(() => fileBytes() > before + 5_000_000);
    } finally {
      await checkpointer.stop();
    }
    expect(autocheckpoint()).toBe(1000);
  });

  it('a worker that fails brings automatic checkpoints back and says why', async () => {
    const failures: string[] = [];
    startCheckpointer(store, { intervalMs: 20, file: join(dir, 'missing.sqlite'), onFailure: (reason) => failures.push(reason) });
    await waitFor(() => failures.length > 0);
    expect(autocheckpoint()).toBe(1000);
    const before = fileBytes();
    writeMuch();
    expect(fileBytes()).toBeGreaterThan(before + 5_000_000);
  });
});
