/**
 * Seeded tenants, cached under bench/.cache/ by size and migration hash so a re-run skips seeding.
 * Users are written in-process through the same directory code the SCIM API uses (normalised the
 * same way), inside one transaction, which seeds 100k users in seconds instead of minutes.
 * Every scenario gets its own copy, so the cache is never written by a server under load.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { CACHE_DIR, ROOT } from './config.mjs';
import { seededUserKey, userBody } from './scim-bodies.mjs';

/** Bump when the seeded data's shape changes, so stale caches are not reused. */
const SEED_FORMAT = 1;

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

export function migrationHash() {
  const hash = createHash('sha256');
  for (const file of filesUnder(join(ROOT, 'migrations'))) hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  return hash.update(`seed-format-${SEED_FORMAT}`).digest('hex').slice(0, 12);
}

const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

async function seedUsers(path, count, log) {
  const { openStore } = await dist('store/index.js');
  const { createDirectory } = await dist('directory/index.js');
  const { normalizeResource } = await dist('scim/protocol/resource/validate.js');
  const { userResourceType } = await dist('scim/protocol/schemas/index.js');
  const store = openStore(path);
  const directory = createDirectory({ store });
  const started = Date.now();
  store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const doc = normalizeResource(userBody(seededUserKey(i), i), userResourceType, 'create');
      if (!doc.ok) throw new Error(`seed user ${i} does not normalise: ${JSON.stringify(doc.error)}`);
      const created = directory.users.create(doc.value);
      if (!created.ok) throw new Error(`seed user ${i} was refused: ${JSON.stringify(created.error)}`);
    }
  })();
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  store.sqlite.exec('ANALYZE');
  store.close();
  const seconds = (Date.now() - started) / 1000;
  log(`seeded ${count} users in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} users/s)`);
}

/** Path of the cached database with `count` users, seeding it first if needed. */
export async function seededDatabase(count, log) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const name = `users-${count}-${migrationHash()}.db`;
  const file = join(CACHE_DIR, name);
  if (!existsSync(file)) {
    // Tenants seeded under older migrations can never be used again; 100k users is ~100 MB each.
    for (const stale of readdirSync(CACHE_DIR).filter((f) => f.startsWith(`users-${count}-`) && f !== name)) rmSync(join(CACHE_DIR, stale), { force: true });
    const partial = `${file}.partial-${process.pid}`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
    log(`seeding ${count} users into ${file} (cached for later runs)`);
    await seedUsers(partial, count, log);
    renameSync(partial, file);
  }
  return file;
}

const scratch = mkdtempSync(join(tmpdir(), 'scimgate-bench-'));
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** A private, writable copy of a cached tenant for one server. */
export async function tenantCopy(count, log) {
  const source = await seededDatabase(count, log);
  const copy = join(scratch, `users-${count}-${Date.now()}-${Math.random().toString(36).slice(2)}.db`);
  copyFileSync(source, copy);
  return copy;
}

/** The first `limit` seeded users' ids and userNames, in creation order. */
export function readUsers(path, limit) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT id, user_name AS userName FROM users ORDER BY rowid LIMIT ?').all(limit);
  } finally {
    db.close();
  }
}
