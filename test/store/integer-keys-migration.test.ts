/**
 * Migration 0004 (integer keys): a database provisioned before it keeps every user, group,
 * membership and nesting path, now held by key, and the directory answers as it did.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/index.js';
import { openTokenStore } from '../../src/cli/token-store.js';
import { MIGRATIONS_FOLDER, migrationState, openStore } from '../../src/store/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-migrate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The migrations folder as it was before 0004. */
function foldersBefore0004(): string {
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.tag < '0004');
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

describe('migration 0004: integer keys', () => {
  it('carries users, groups, memberships and the closure over', () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.pragma('foreign_keys = ON');
    migrate(drizzle(old), { migrationsFolder: foldersBefore0004() });
    const user = old.prepare(
      "INSERT INTO users (id, user_name, doc, created, last_modified) VALUES (?, ?, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    );
    const group = old.prepare(
      "INSERT INTO groups (id, display_name, doc, created, last_modified) VALUES (?, ?, '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    );
    const member = old.prepare('INSERT INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)');
    const closure = old.prepare('INSERT INTO group_closure (ancestor_id, descendant_id) VALUES (?, ?)');
    user.run('u-alice', 'alice@example.com');
    user.run('u-bob', 'bob@example.com');
    group.run('g-top', 'Top');
    group.run('g-mid', 'Mid');
    group.run('g-leaf', 'Leaf');
    member.run('g-leaf', 'u-alice', 'User');
    member.run('g-top', 'u-bob', 'User');
    member.run('g-top', 'g-mid', 'Group');
    member.run('g-mid', 'g-leaf', 'Group');
    member.run('g-mid', 'u-gone', 'User'); // a dangling member: dropped, it names nobody
    closure.run('g-top', 'g-mid');
    closure.run('g-top', 'g-leaf');
    closure.run('g-mid', 'g-leaf');
    old.close();

    const store = openStore(path);
    try {
      const directory = createDirectory({ store });
      const names = (userId: string) => directory.effective.effectiveGroups(userId).map((g) => g.displayName);
      expect(names('u-alice')).toEqual(['Leaf', 'Mid', 'Top']);
      expect(names('u-bob')).toEqual(['Top']);
      const members = directory.reads.membersOf(['g-top', 'g-mid', 'g-leaf']);
      expect(members.get('g-top')?.map((m) => [m.value, m.type])).toEqual([['u-bob', 'User'], ['g-mid', 'Group']]);
      expect(members.get('g-mid')?.map((m) => [m.value, m.type])).toEqual([['g-leaf', 'Group']]);
      expect(members.get('g-leaf')?.map((m) => [m.value, m.type])).toEqual([['u-alice', 'User']]);
      expect(store.sqlite.prepare('SELECT count(*) FROM group_closure').pluck().get()).toBe(3);
      // Keys are stable (INTEGER PRIMARY KEY): VACUUM keeps every membership pointing where it did.
      store.sqlite.exec('VACUUM');
      expect(names('u-alice')).toEqual(['Leaf', 'Mid', 'Top']);
      expect(store.sqlite.pragma('foreign_key_check')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('scimgate token does not upgrade a database an older server uses; a new one it migrates', () => {
    const path = join(dir, 'in-use.db');
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: foldersBefore0004() });
    old.close();
    const said: string[] = [];
    expect(openTokenStore(path, (line) => said.push(line))).toBeUndefined();
    expect(said.join('')).toMatch(/\d+ migration\(s\) pending.*scimgate migrate/);
    const probe = new Database(path);
    expect(probe.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'group_members'").pluck().get()).toBe(1);
    probe.close();

    const fresh = openTokenStore(join(dir, 'new.db'), (line) => said.push(line));
    expect(fresh).toBeDefined();
    if (fresh) {
      expect(migrationState(fresh)).toMatchObject({ pending: 0 });
      expect(migrationState(fresh).applied).toBeGreaterThan(4);
      fresh.close();
    }
  });
});

