/** The commit watch: one pread of the WAL-index header tells whether any connection committed. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommitWatch } from '../../src/store/commit-watch.js';
import { openStore, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
let other: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-watch-'));
  store = openStore(join(dir, 'db.sqlite'));
  // A plain second connection, as another process (the CLI) would open it.
  other = new Database(join(dir, 'db.sqlite'));
  other.pragma('busy_timeout = 5000');
});
afterEach(() => {
  other.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What separates two requests: the event loop turns (the watch reads once per synchronous run). */
const nextRequest = () => new Promise<void>((resolve) => setImmediate(resolve));

let keys = 0;
/** A commit that changes a row (an UPDATE matching nothing writes nothing, so commits nothing). */
const commitRow = (db: Database.Database) => db.prepare("INSERT INTO server_keys (name, key, created_at) VALUES (?, x'00', 'now')").run(`k${keys++}`);

describe('commit watch', () => {
  it('stays put while nobody commits, reads included', () => {
    const e0 = store.commits.epoch();
    other.prepare('SELECT count(*) FROM users').get();
    store.sqlite.prepare('SELECT count(*) FROM users').get();
    expect(store.commits.epoch()).toBe(e0);
  });

  it("moves for another connection's commit and for this connection's own", async () => {
    const e0 = store.commits.epoch();
    commitRow(other);
    await nextRequest();
    const e1 = store.commits.epoch();
    expect(e1).toBeGreaterThan(e0);
    await nextRequest();
    expect(store.commits.epoch()).toBe(e1);
    commitRow(store.sqlite);
    await nextRequest();
    expect(store.commits.epoch()).toBeGreaterThan(e1);
  });

  it('reads the header once per synchronous run: one request sees one instant', async () => {
    const e0 = store.commits.epoch();
    commitRow(other);
    expect(store.commits.epoch()).toBe(e0);
    await Promise.resolve();
    expect(store.commits.epoch()).toBeGreaterThan(e0);
  });

  it('does not move for a transaction that rolled back', async () => {
    const e0 = store.commits.epoch();
    other.exec('BEGIN IMMEDIATE');
    commitRow(other);
    other.exec('ROLLBACK');
    await nextRequest();
    expect(store.commits.epoch()).toBe(e0);
  });

  it('moves for every one of many commits, across WAL checkpoints', async () => {
    let last = store.commits.epoch();
    for (let i = 0; i < 50; i++) {
      commitRow(other);
      if (i % 10 === 9) other.pragma('wal_checkpoint(TRUNCATE)');
      await nextRequest();
      const now = store.commits.epoch();
      expect(now).toBeGreaterThan(last);
      last = now;
    }
  });

  it('reports a change on every read when it cannot read the header (never stale)', async () => {
    const watch = createCommitWatch(join(dir, 'missing.sqlite'));
    const a = watch.epoch();
    await nextRequest();
    expect(watch.epoch()).not.toBe(a);
    watch.close();
  });

  it('watches the file SQLite opened when the configured path is a symlink', async () => {
    const link = join(dir, 'link.sqlite');
    symlinkSync(join(dir, 'db.sqlite'), link);
    const viaLink = openStore(link);
    try {
      const e0 = viaLink.commits.epoch();
      await nextRequest();
      expect(viaLink.commits.epoch()).toBe(e0);
      commitRow(other);
      await nextRequest();
      const e1 = viaLink.commits.epoch();
      expect(e1).toBeGreaterThan(e0);
      await nextRequest();
      expect(viaLink.commits.epoch()).toBe(e1);
    } finally {
      viaLink.close();
    }
  });

  it('a private in-memory database has no other writer: its epoch is constant', () => {
    const watch = createCommitWatch(':memory:');
    expect(watch.epoch()).toBe(watch.epoch());
  });
});

describe("other connections' commits (store.otherCommits)", () => {
  it("moves for another connection's commit, and not for this connection's own or for reads", () => {
    const v0 = store.otherCommits();
    commitRow(store.sqlite);
    store.sqlite.prepare('SELECT count(*) FROM users').get();
    expect(store.otherCommits()).toBe(v0);
    commitRow(other);
    const v1 = store.otherCommits();
    expect(v1).not.toBe(v0);
    expect(store.otherCommits()).toBe(v1);
  });
});
