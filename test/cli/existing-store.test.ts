// Commands other than serve/migrate open the database as it is: a newer scimgate's database is
// refused (an older CLI writing to it would skip the rows the newer schema writes beside them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExistingStore } from '../../src/cli/existing-store.js';
import { openTokenStore } from '../../src/cli/token-store.js';
import { migrationState, openStore } from '../../src/store/index.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-existing-'));
  file = join(dir, 'db.sqlite');
  openStore(file).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function addFutureMigration(): void {
  const s = openStore(file, { migrate: false });
  s.sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), Date.now() + 86_400_000);
  s.close();
}

describe('openExistingStore', () => {
  it('opens a database migrated by this version', () => {
    const said: string[] = [];
    const store = openExistingStore(file, (line) => said.push(line));
    expect(store).toBeDefined();
    store?.close();
    expect(said).toEqual([]);
  });

  it('refuses a database from a newer scimgate, saying so', () => {
    addFutureMigration();
    const said: string[] = [];
    const store = openExistingStore(file, (line) => said.push(line));
    store?.close();
    expect(store).toBeUndefined();
    expect(said.join('\n')).toMatch(/from a newer scimgate \(1 migration\(s\) this version does not know\)/);
  });

  it('the token command refuses it too, and counts it apart from pending ones', () => {
    addFutureMigration();
    const probe = openStore(file, { migrate: false });
    expect(migrationState(probe)).toMatchObject({ pending: 0, unknown: 1 });
    probe.close();
    const said: string[] = [];
    expect(openTokenStore(file, (line) => said.push(line))).toBeUndefined();
    expect(said.join('\n')).toContain('from a newer scimgate');
  });
});

describe('serve and migrate', () => {
  it('refuse a database from a newer scimgate, naming it, and leave it as it was', () => {
    addFutureMigration();
    const before = openStore(file, { migrate: false });
    const rows = before.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
    before.close();
    // openStore with migrations is what `scimgate serve` (startServer) and `scimgate migrate` open the file with.
    expect(() => openStore(file)).toThrow(`database ${file} is from a newer scimgate (1 migration(s) this version does not know); run that version or a newer one`);
    const after = openStore(file, { migrate: false });
    expect(after.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(rows);
    after.close();
  });
});
