// Group commit over a real database file: writes of one group commit together or not at all,
// each write keeps its own atomicity, and a failed COMMIT rolls everything back and says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, WriteGroupFailed, type Store } from '../../src/store/index.js';

let dir: string;
let store: Store;
let other: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-write-group-'));
  store = openStore(join(dir, 'db.sqlite'));
  store.sqlite.exec('CREATE TABLE notes (n INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  // A deferred foreign key is checked only at the outermost COMMIT: the one way to make a COMMIT itself fail.
  store.sqlite.exec('CREATE TABLE trap (ref INTEGER REFERENCES notes(n) DEFERRABLE INITIALLY DEFERRED)');
  other = new Database(join(dir, 'db.sqlite'));
});
afterEach(() => {
  other.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const note = (n: number) => store.sqlite.prepare('INSERT INTO notes VALUES (?, ?)').run(n, `note ${n}`);
const seenByOther = () => other.prepare('SELECT n FROM notes ORDER BY n').pluck().all();

describe('write groups', () => {
  it('commits every write of the group at close, and nothing before', async () => {
    const { writes } = store;
    expect(writes.committed()).toBeUndefined();
    expect(writes.open()).toBe(true);
    // Writes run as their code always has: better-sqlite3 makes a transaction function a savepoint inside the group.
    const write = store.sqlite.transaction((n: number) => note(n));
    write(1);
    write(2);
    const committed = writes.committed();
    expect(committed).toBeInstanceOf(Promise);
    expect(seenByOther()).toEqual([]);
    writes.close();
    await expect(committed).resolves.toBeUndefined();
    expect(seenByOther()).toEqual([1, 2]);
    expect(writes.isOpen()).toBe(false);
    expect(writes.committed()).toBeUndefined();
  });

  it('a write that throws rolls back alone; the rest of the group commits', () => {
    const { writes } = store;
    writes.open();
    const write = store.sqlite.transaction((n: number, fail: boolean) => {
      note(n);
      if (fail) throw new Error('refused');
    });
    write(1, false);
    expect(() => write(2, true)).toThrow('refused');
    write(3, false);
    writes.close();
    expect(seenByOther()).toEqual([1, 3]);
  });

  it('a COMMIT that fails rolls the whole group back, rejects its answers and tells the rollback listeners', async () => {
    const { writes } = store;
    let rollbacks = 0;
    writes.onRollback(() => rollbacks++);
    writes.open();
    note(1);
    store.sqlite.prepare('INSERT INTO trap VALUES (99)').run();
    const committed = writes.committed();
    writes.close();
    await expect(committed).rejects.toBeInstanceOf(WriteGroupFailed);
    await expect(committed).rejects.toThrow(/nothing of them was stored/);
    expect(rollbacks).toBe(1);
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seenByOther()).toEqual([]);
    expect(store.sqlite.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    // The connection is usable again, grouped or not.
    note(2);
    expect(writes.open()).toBe(true);
    note(3);
    writes.close();
    expect(seenByOther()).toEqual([2, 3]);
  });

  it('a failed group nobody waited for is not an unhandled rejection', async () => {
    const { writes } = store;
    writes.open();
    store.sqlite.prepare('INSERT INTO trap VALUES (99)').run();
    writes.close();
    // vitest fails the run on an unhandled rejection; give it the turn in which it would surface.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(writes.isOpen()).toBe(false);
  });

  it('a transaction SQLite ended on its own (as on an I/O error) fails the group at once', async () => {
    const { writes } = store;
    let rollbacks = 0;
    writes.onRollback(() => rollbacks++);
    writes.open();
    note(1);
    const committed = writes.committed();
    store.sqlite.exec('ROLLBACK');
    // The request whose write ended it still learns of the failure.
    const own = writes.committed();
    expect(own).toBe(committed);
    await expect(committed).rejects.toBeInstanceOf(WriteGroupFailed);
    expect(writes.isOpen()).toBe(false);
    expect(rollbacks).toBe(1);
    writes.close();
    expect(seenByOther()).toEqual([]);
  });

  it('runs begin listeners outside any transaction, before BEGIN', () => {
    const { writes } = store;
    const seen: boolean[] = [];
    writes.onBegin(() => seen.push(store.sqlite.inTransaction));
    writes.open();
    expect(seen).toEqual([false]);
    expect(writes.open()).toBe(false);
    expect(seen).toEqual([false]);
    writes.close();
  });

  it('does not open inside a transaction, nor while another process keeps the write lock', () => {
    const { writes } = store;
    store.sqlite.exec('BEGIN');
    expect(writes.open()).toBe(false);
    store.sqlite.exec('COMMIT');

    store.sqlite.pragma('busy_timeout = 20');
    other.exec('BEGIN IMMEDIATE');
    expect(writes.open()).toBe(false);
    expect(writes.isOpen()).toBe(false);
    other.exec('COMMIT');
    expect(writes.open()).toBe(true);
    writes.close();
  });
});
