// Group commit over a real database file: writes of one group commit together or not at all,
// each write keeps its own atomicity, and a failed COMMIT rolls everything back and says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseBusy, openStore, WriteGroupFailed, type Store } from '../../src/store/index.js';

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

/** A writer as the directory's are: one unit of work, which joins the running group. */
const writer =
  (fail = false) =>
  (n: number) =>
    store.writes.write(() => {
      note(n);
      if (fail) throw new Error('refused');
    });

describe('write groups', () => {
  it('commits every write of the run at its end, and nothing before', async () => {
    const { writes } = store;
    const write = writer();
    let committed: Promise<void> | undefined;
    expect(writes.committed()).toBeUndefined();
    writes.during(() => {
      // No write yet, no group: a run that writes nothing never takes the write lock.
      expect(writes.isOpen()).toBe(false);
      write(1);
      write(2);
      committed = writes.committed();
      expect(committed).toBeInstanceOf(Promise);
      expect(writes.joined()).toBe(2);
      expect(seenByOther()).toEqual([]);
    });
    await expect(committed).resolves.toBeUndefined();
    expect(seenByOther()).toEqual([1, 2]);
    expect(writes.isOpen()).toBe(false);
    expect(writes.committed()).toBeUndefined();
  });

  it('outside a run, each write commits on its own', () => {
    writer()(1);
    expect(store.writes.isOpen()).toBe(false);
    expect(store.writes.joined()).toBe(0);
    expect(seenByOther()).toEqual([1]);
  });

  it('a write that throws rolls back alone; the rest of the group commits', () => {
    store.writes.during(() => {
      writer()(1);
      expect(() => writer(true)(2)).toThrow('refused');
      writer()(3);
    });
    expect(seenByOther()).toEqual([1, 3]);
  });

  it('a COMMIT that fails rolls the whole group back, rejects its answers and tells the rollback listeners', async () => {
    const { writes } = store;
    let rollbacks = 0;
    writes.onRollback(() => rollbacks++);
    let committed: Promise<void> | undefined;
    writes.during(() => {
      writer()(1);
      store.sqlite.prepare('INSERT INTO trap VALUES (99)').run();
      committed = writes.committed();
    });
    await expect(committed).rejects.toBeInstanceOf(WriteGroupFailed);
    await expect(committed).rejects.toThrow(/nothing of them was stored/);
    expect(rollbacks).toBe(1);
    expect(store.sqlite.inTransaction).toBe(false);
    expect(seenByOther()).toEqual([]);
    expect(store.sqlite.prepare('SELECT count(*) FROM notes').pluck().get()).toBe(0);
    // The connection is usable again, grouped or not.
    writer()(2);
    writes.during(() => writer()(3));
    expect(seenByOther()).toEqual([2, 3]);
  });

  it('a failed group nobody waited for is not an unhandled rejection', async () => {
    store.writes.during(() => {
      writer()(1);
      store.sqlite.prepare('INSERT INTO trap VALUES (99)').run();
    });
    // vitest fails the run on an unhandled rejection; give it the turn in which it would surface.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.writes.isOpen()).toBe(false);
  });

  it('a transaction SQLite ended on its own fails its group, and the next write starts a new one', async () => {
    const { writes } = store;
    let rollbacks = 0;
    writes.onRollback(() => rollbacks++);
    let lost: Promise<void> | undefined;
    let next: Promise<void> | undefined;
    writes.during(() => {
      writer()(1);
      lost = writes.committed();
      // As SQLite does on an I/O error or a full disk, seen by code that swallowed the error.
      store.sqlite.exec('ROLLBACK');
      writer()(2);
      next = writes.committed();
    });
    expect(next).not.toBe(lost);
    await expect(lost).rejects.toBeInstanceOf(WriteGroupFailed);
    await expect(next).resolves.toBeUndefined();
    expect(rollbacks).toBe(1);
    expect(seenByOther()).toEqual([2]);
  });

  it('tells a request whose write was in a lost group so, even after a later write of its own opened a new one', async () => {
    const { writes } = store;
    let ownAnswer: Promise<void> | undefined;
    let ownAnswerWithoutSince: Promise<void> | undefined;
    let laterRequest: Promise<void> | undefined;
    writes.during(() => {
      const since = writes.joined();
      writer()(1);
      store.sqlite.exec('ROLLBACK');
      ownAnswerWithoutSince = writes.committed();
      writer()(2);
      ownAnswer = writes.committed(since);
      // A request that began after the loss was noticed is judged by the new group alone.
      const laterSince = writes.joined();
      writer()(3);
      laterRequest = writes.committed(laterSince);
    });
    await expect(ownAnswerWithoutSince).rejects.toBeInstanceOf(WriteGroupFailed);
    await expect(ownAnswer).rejects.toBeInstanceOf(WriteGroupFailed);
    await expect(laterRequest).resolves.toBeUndefined();
    expect(seenByOther()).toEqual([2, 3]);
  });

  it('when even the ROLLBACK fails, no write joins the failed transaction, and it is rolled back once it can be', async () => {
    const { writes } = store;
    let rollbacks = 0;
    writes.onRollback(() => rollbacks++);
    let committed: Promise<void> | undefined;
    let running: IterableIterator<unknown> | undefined;
    writes.during(() => {
      writer()(1);
      committed = writes.committed();
      // A statement still running makes COMMIT and ROLLBACK both refuse.
      running = store.sqlite.prepare('SELECT n FROM notes').iterate();
      running.next();
    });
    await expect(committed).rejects.toBeInstanceOf(WriteGroupFailed);
    expect(store.sqlite.inTransaction).toBe(true);
    // A write now would become a savepoint of the failed transaction, answered and never committed: it is refused.
    expect(() => writer()(2)).toThrow(WriteGroupFailed);
    running?.return?.();
    // Once the statement is done, the next write (or run) rolls the failed transaction back first.
    writer()(3);
    expect(store.sqlite.inTransaction).toBe(false);
    // Told when the group failed, and again when its transaction was in fact rolled back.
    expect(rollbacks).toBe(2);
    expect(seenByOther()).toEqual([3]);
  });

  it('a run inside an outer transaction leaves that transaction alone', () => {
    store.sqlite.transaction(() => {
      note(1);
      store.writes.during(() => writer()(2));
      expect(store.writes.isOpen()).toBe(false);
    })();
    expect(seenByOther()).toEqual([1, 2]);
  });

  it('runs begin listeners outside any transaction, once per group', () => {
    const seen: boolean[] = [];
    store.writes.onBegin(() => seen.push(store.sqlite.inTransaction));
    store.writes.during(() => {
      writer()(1);
      writer()(2);
    });
    expect(seen).toEqual([false]);
  });

  it('when another process keeps the write lock, waits once (bounded) and refuses the run\'s writes as DatabaseBusy', () => {
    store.sqlite.pragma('busy_timeout = 100');
    other.exec('BEGIN IMMEDIATE');
    let begins = 0;
    store.writes.onBegin(() => begins++);
    store.writes.during(() => {
      expect(() => writer()(1)).toThrow(DatabaseBusy);
      expect(store.writes.isOpen()).toBe(false);
      // The rest of the run is refused at once: no second wait for the same lock.
      expect(() => writer()(3)).toThrow(DatabaseBusy);
    });
    expect(begins).toBe(1);
    other.exec('COMMIT');
    store.writes.during(() => {
      writer()(2);
      expect(store.writes.isOpen()).toBe(true);
    });
    expect(seenByOther()).toEqual([2]);
  });

  it('a begin listener that throws does not keep the group from opening', () => {
    store.writes.onBegin(() => {
      throw new Error('cannot read the log');
    });
    store.writes.during(() => {
      writer()(1);
      expect(store.writes.isOpen()).toBe(true);
    });
    expect(seenByOther()).toEqual([1]);
  });

  describe('bookkeeping that rides the next group (writeWithNextGroup)', () => {
    it('runs inside the next group, just before its COMMIT, and resolves only once that group has committed', async () => {
      const recorded = store.writes.writeWithNextGroup(() => {
        note(100);
        // Inside the group's transaction (a savepoint of it), not one of its own.
        return store.writes.isOpen() ? 'in the group' : 'alone';
      });
      let settled = false;
      void recorded.then(() => (settled = true));
      // Nothing yet: it waits for a group (not for the lock).
      expect(seenByOther()).toEqual([]);
      store.writes.during(() => {
        writer()(1);
        // Not yet run: it goes last, so the group's own writes are not held up by it.
        expect(seenInside()).toEqual([1]);
      });
      // The group's COMMIT carried both: the request's write and the bookkeeping.
      expect(seenByOther()).toEqual([1, 100]);
      expect(settled).toBe(false); // resolved after the commit, in a later microtask
      await expect(recorded).resolves.toBe('in the group');
    });

    it('with no group coming, is written alone — several waiting riders in one transaction', async () => {
      const first = store.writes.writeWithNextGroup(() => note(7).changes);
      const second = store.writes.writeWithNextGroup(() => note(8).changes);
      await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
      expect(seenByOther()).toEqual([7, 8]);
    });

    it('a rider that throws is undone alone: the group and the other riders commit', async () => {
      const bad = store.writes.writeWithNextGroup(() => {
        note(50);
        throw new Error('broken bookkeeping');
      });
      const good = store.writes.writeWithNextGroup(() => note(51).changes);
      store.writes.during(() => writer()(2));
      await expect(bad).resolves.toBeUndefined();
      await expect(good).resolves.toBe(1);
      expect(seenByOther()).toEqual([2, 51]);
    });

    it('a group that fails to commit takes its riders with it: they resolve undefined, nothing stored', async () => {
      const rider = store.writes.writeWithNextGroup(() => note(60).changes);
      store.writes.during(() => {
        store.writes.write(() => store.sqlite.prepare('INSERT INTO trap VALUES (999)').run());
      });
      await expect(rider).resolves.toBeUndefined();
      expect(seenByOther()).toEqual([]);
    });

    it('written alone while another process holds the write lock: not written, resolves undefined without waiting for the lock', async () => {
      other.exec('BEGIN IMMEDIATE');
      try {
        await expect(store.writes.writeWithNextGroup(() => note(70).changes)).resolves.toBeUndefined();
      } finally {
        other.exec('ROLLBACK');
      }
      expect(seenByOther()).toEqual([]);
    });
  });
});

const seenInside = () => store.sqlite.prepare('SELECT n FROM notes ORDER BY n').pluck().all();
