/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
 * pushes the WAL past 1000 pages: that request then also copies the WAL into the database file
 * and syncs it — tens of milliseconds on top of a large PATCH (bench/README.md), and a stall
 * for every request queued behind it. The server turns automatic checkpoints off and lets a worker thread, with its
 * own connection, run PASSIVE checkpoints (they never block the writer or readers) every 100 ms.
 * Turning them off without a replacement made small writes slower (the WAL grew without bound,
 * bench/README.md), so if the worker cannot start or dies, automatic checkpoints come back on.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { openedFile, type Store } from './connection.js';

export interface Checkpointer {
  /** Stop the worker (its connection closes) and turn automatic checkpoints back on. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Told when the worker fails; automatic checkpoints are already back on by then. */
  onFailure?: (reason: string) => void;
  /** The database file the worker opens (default: the file the store's connection opened). */
  file?: string;
}

/** SQLite's default automatic checkpoint threshold, in pages. */
const AUTOCHECKPOINT_PAGES = 1000;

// Evaluated as CommonJS in the worker; the driver is resolved by the main thread.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => checkpoint.get(), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(store: Pick<Store, 'sqlite' | 'path'>, options: CheckpointerOptions = {}): Checkpointer {
  if (store.path === ':memory:') return { stop: async () => {} };
  const file = options.file ?? openedFile(store.sqlite, store.path);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs: options.intervalMs ?? 100 } });
  worker.unref();
  store.sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const restore = () => {
    if (store.sqlite.open) store.sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  const failed = (reason: string) => {
    if (stopping) return;
    stopping = true;
    restore();
    options.onFailure?.(reason);
  };
  worker.on('error', (error) => failed(error instanceof Error ? error.message : String(error)));
  worker.on('exit', (code) => failed(`checkpoint worker exited (${code})`));
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Unref'd so it never keeps a process alive, but stopping must wait for it: ref it again,
      // or a process with nothing else to do would end before the worker closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      restore();
    },
  };
}
