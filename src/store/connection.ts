/**
 * Opens the SQLite database with the pragmas the rest of the code relies on, and applies
 * pending migrations. The store knows nothing about HTTP or SCIM.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { createCommitWatch, type CommitWatch } from './commit-watch.js';
import { createReadSnapshot, type ReadSnapshot } from './read-snapshot.js';
import * as schema from './schema.js';
import { createUnitOfWork, type UnitOfWork } from './unit-of-work.js';
import { createWriteGroup } from './write-group.js';

export type Db = BetterSQLite3Database<typeof schema>;

/** SQLite page cache per connection, in KiB (see openStore). */
export const PAGE_CACHE_KIB = 16 * 1024;

export interface Store {
  db: Db;
  /**
   * The raw connection, for hand-prepared statements on hot paths. Writes run only inside
   * `writes.write(…)` (the unit of work); `npm run lint` refuses raw ones outside src/store/.
   */
  sqlite: Database.Database;
  path: string;
  /** Notices commits by any connection, for caches that must never serve what a commit changed. */
  commits: CommitWatch;
  /**
   * A number that changes when another connection (a second server, the CLI) has committed since
   * it was last read, and only then: this connection's own commits leave it as it is (SQLite's
   * data_version). So a cache of rows this process changes only through its own code can count
   * its own changes and stay good under this process's other writes.
   */
  otherCommits(): number;
  /** Runs several reads as one snapshot (src/store/read-snapshot.ts). */
  read: ReadSnapshot;
  /** The unit of work: the only way to write, with group commit for a batch of requests (src/store/unit-of-work.ts). */
  writes: UnitOfWork;
  close(): void;
}

/**
 * How long a write waits for another process to release the write lock before it is refused with
 * DatabaseBusy (503, Retry-After). The wait blocks this process's event loop (better-sqlite3 is
 * synchronous), so it is kept well under a client's timeout; other processes hold the lock only
 * for one batch's COMMIT, or a migration (which waits longer, below).
 */
export const BUSY_TIMEOUT_MS = 5000;

/** migrations/ sits at the package root, two levels above both src/store and dist/store. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface OpenStoreOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** How long a write waits for another process's write lock (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
  /** SQLite's page cache for this connection, in KiB (default PAGE_CACHE_KIB). */
  cacheKib?: number;
}

/** The absolute, symlink-resolved file of the main database, as SQLite itself names it. */
export function openedFile(sqlite: Database.Database, fallback: string): string {
  const main = (sqlite.pragma('database_list') as { name: string; file: string }[]).find((db) => db.name === 'main');
  return main?.file ? main.file : fallback;
}

/** This build's migrations, read once: every store opened for writing asks. */
let migrationFiles: ReturnType<typeof readMigrationFiles> | undefined;
const ourMigrations = () => (migrationFiles ??= readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }));

/**
 * How many of our migrations the database has had, how many it still lacks, and how many it has
 * that this build does not know (a newer scimgate migrated it). Commands other than `serve` and
 * `migrate` must not upgrade a database a running older server is using: a migration that rebuilds
 * tables (0004) breaks that server at once. Nor may an older build write to a newer schema: its
 * writes would skip what the newer schema expects beside them (the audit rows, the outbox).
 */
export function migrationState(store: Pick<Store, 'sqlite'>): { applied: number; pending: number; unknown: number } {
  const ours = ourMigrations();
  const table = store.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return { applied: 0, pending: ours.length, unknown: 0 };
  const rows = store.sqlite.prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations').all() as { hash: string; createdAt: number | string | null }[];
  // drizzle records each migration's file hash and its journal time (created_at); a row matching
  // neither of ours came from a migration this build has never seen.
  const hashes = new Set(ours.map((m) => m.hash));
  const times = new Set(ours.map((m) => m.folderMillis));
  const unknown = rows.filter((r) => !hashes.has(r.hash) && !times.has(Number(r.createdAt))).length;
  const applied = rows.length;
  return { applied, pending: Math.max(0, ours.length - (applied - unknown)), unknown: Math.max(unknown, applied - ours.length) };
}

/** Open (creating if needed) the database at `path`; ':memory:' gives a private in-memory one. */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  // WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // SQLite's own page cache, per connection. The file's pages also sit in the OS page cache, so a
  // page missing here costs a pread, not a disk read; 64 MiB made a 100k-user server ~50 MB
  // larger after random lookups with no measurable gain (bench/README.md, issue 11). 16 MiB still
  // holds every page a 10,000-member PATCH dirties (~2,500), so big writes do not spill mid-transaction.
  sqlite.pragma(`cache_size = -${Math.max(1024, Math.floor(options.cacheKib ?? PAGE_CACHE_KIB))}`);
  sqlite.pragma('temp_store = MEMORY');
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) {
    // A migration that rebuilds tables holds the write lock for seconds on a large directory;
    // a second process starting beside it waits for it rather than failing after 5 s, and if
    // it then finds its own attempt overtaken (the first one applied the same migrations), goes on.
    sqlite.pragma('busy_timeout = 120000');
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (error) {
      if (migrationState({ sqlite }).pending > 0) throw error;
    }
    sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // A newer scimgate migrated it: this build would serve it (drizzle applies nothing older than
    // the newest row) while its writes skip what the newer schema expects beside them.
    const { unknown } = migrationState({ sqlite });
    if (unknown > 0) {
      sqlite.close();
      throw new Error(`database ${path} is from a newer scimgate (${unknown} migration(s) this version does not know); run that version or a newer one`);
    }
  }
  // After the pragmas and migrations, so the WAL index (the -shm file) exists to be watched. The
  // file SQLite opened, not `path`: SQLite resolves symlinks, and its -shm sits by the target.
  const commits = createCommitWatch(path === ':memory:' ? path : openedFile(sqlite, path));
  const dataVersion = sqlite.prepare<[], number>('PRAGMA data_version').pluck();
  return {
    db,
    sqlite,
    path,
    commits,
    otherCommits: () => dataVersion.get() ?? 0,
    read: createReadSnapshot(sqlite),
    writes: createUnitOfWork(sqlite, createWriteGroup(sqlite), busyTimeoutMs),
    close: () => {
      commits.close();
      sqlite.close();
    },
  };
}
