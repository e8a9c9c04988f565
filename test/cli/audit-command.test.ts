// `scimgate audit`, `audit verify` and `audit prune` as operators run them: rows written by the
// real SCIM app into a database file, tampered with through raw SQL, and `scimgate audit verify`
// run as a child process (the CLI built from source) naming the first bad row.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createSqliteAuditLog, rowHash } from '../../src/audit/index.js';
import { parseTime, runAuditCommand, type AuditCommandDeps } from '../../src/cli/audit-command.js';
import { createUserLookup } from '../../src/directory/sqlite/user-lookup.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTestScimApp } from '../support/scim-app.js';

const CLI = resolve(import.meta.dirname, '../../src/cli/index.ts');
const exec = promisify(execFile);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let dir: string;
let file: string;
let store: Store;
let userId: string;

/** Five rows: create, three PATCHes, a token revocation-like row of another type. */
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-audit-cli-'));
  file = join(dir, 'db.sqlite');
  store = openStore(file);
  const t = createTestScimApp({ store });
  userId = (await (await t.scim('POST', '/Users', { schemas: [USER], userName: 'ada@example.com' })).json()).id;
  for (const active of [false, true, false]) {
    const res = await t.scim('PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: active }] });
    expect(res.status).toBe(200);
  }
  store.writes.write(() => createSqliteAuditLog(store).record({ type: 'scim_token.revoked', actor: 'operator', data: { name: 'old' } }));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real `scimgate` process. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', CLI, ...args, '--database', file]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same command in-process. */
function run(args: string[], flags: Record<string, string> = {}, now = new Date()) {
  const lookup = createUserLookup(store);
  const deps: AuditCommandDeps = {
    reader: createAuditReader(store.sqlite),
    log: createSqliteAuditLog({ ...store, now: () => now }),
    userIdOf: (ref) => {
      const found = lookup.findUserByAttribute('userName', ref);
      return found.found === 'one' ? found.user.id : undefined;
    },
    retentionSeconds: 86_400,
    now: () => now,
  };
  const log: string[] = [];
  const error: string[] = [];
  const code = runAuditCommand(args, new Map(Object.entries(flags)), deps, { log: (s) => log.push(s), error: (s) => error.push(s) });
  return { code, log: log.join('\n'), error: error.join('\n') };
}

const sql = (text: string, ...params: unknown[]) => store.sqlite.prepare(text).run(...params);

describe('scimgate audit verify (the acceptance: a tampered row is named)', () => {
  it('intact: exit 0 with the row count and the head; an edited row: exit 1 naming it', async () => {
    const intact = await cli('audit', 'verify');
    expect(intact).toMatchObject({ code: 0 });
    expect(intact.stdout).toContain('audit log intact: 5 rows, seq 1–5');
    expect(intact.stdout).toMatch(/head: seq 5 hash [0-9a-f]{64}/);

    // Someone turns the record of the deactivation into something harmless.
    sql("UPDATE audit_log SET data = json_set(data, '$.operation', 'replace') WHERE seq = 2");
    const edited = await cli('audit', 'verify');
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('audit log TAMPERED: row 2: hash does not match');
  });

  it('a deleted row: exit 1 naming the row after the gap', async () => {
    sql('DELETE FROM audit_log WHERE seq = 3');
    const deleted = await cli('audit', 'verify');
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toContain('row 4 follows row 2: 1 row(s) missing');
  });

  it('an edited row whose hash was recomputed: the next row\'s link names it', () => {
    const row = [...createAuditReader(store.sqlite).rows()][1];
    if (!row) throw new Error('no row 2');
    const forged = { ...row, actor: 'someone-else' };
    sql('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2', forged.actor, rowHash(forged));
    const { code, error } = run(['verify']);
    expect(code).toBe(1);
    expect(error).toContain("row 3: prev_hash does not match row 2's hash");
  });

  it('two rows\' hashes swapped (reordered): the first of them is named', () => {
    const rows = [...createAuditReader(store.sqlite).rows()];
    sql('UPDATE audit_log SET hash = ? WHERE seq = 3', rows[3]?.hash);
    sql('UPDATE audit_log SET hash = ? WHERE seq = 4', rows[2]?.hash);
    const { code, error } = run(['verify']);
    expect(code).toBe(1);
    expect(error).toMatch(/row 3: hash does not match/);
  });

  it('a row inserted in the middle (the rest renumbered to make room): named', () => {
    sql('UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3');
    sql('UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100');
    const first = [...createAuditReader(store.sqlite).rows()][1];
    sql("INSERT INTO audit_log (seq, occurred_at, type, prev_hash, hash) VALUES (3, '2020-01-01T00:00:00.000Z', 'scim.write', ?, 'x')", first?.hash);
    const { code, error } = run(['verify']);
    expect(code).toBe(1);
    expect(error).toMatch(/row 3: hash does not match/);
  });

  it('after retention pruned a prefix the chain still verifies; a prefix deleted by hand does not', () => {
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(run(['prune'], {}, later)).toMatchObject({ code: 0, log: expect.stringContaining('pruned 5 rows') });
    expect(run(['verify'])).toMatchObject({ code: 0, log: expect.stringContaining('seq 6–6 (rows before 6 pruned by retention)') });
    store.writes.write(() => createSqliteAuditLog(store).record({ type: 'a' }));
    store.writes.write(() => createSqliteAuditLog(store).record({ type: 'b' }));
    sql('DELETE FROM audit_log WHERE seq <= 6');
    expect(run(['verify'])).toMatchObject({ code: 1, error: expect.stringContaining('row 7: the chain starts at row 7') });
  });
});

describe('scimgate audit (reading)', () => {
  it('--type, --user (userName or id) and --format jsonl with the hashes for later checks', () => {
    const writes = run([], { type: 'scim.write', user: 'ada@example.com', format: 'jsonl' });
    expect(writes.code).toBe(0);
    const rows = writes.log.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => (r.data as { operation: string }).operation)).toEqual(['create', 'patch', 'patch', 'patch']);
    expect(rows[0]).toMatchObject({ seq: 1, type: 'scim.write', actor: 'test', userId, prevHash: '0'.repeat(64) });
    expect(run([], { type: 'scim_token.*', format: 'jsonl' }).log.split('\n')).toHaveLength(1);
    expect(run([], { user: userId, format: 'jsonl' }).log.split('\n')).toHaveLength(4);
  });

  it('--since as a duration and as a time; table by default', () => {
    expect(run([], { since: '1h' }).log.split('\n')).toHaveLength(6);
    expect(run([], { since: '2999-01-01' }).log.split('\n')).toEqual(['seq\ttime\ttype\tactor\tuser\trequest\tdata']);
  });

  it('a manual prune is recorded as the operator\'s, with its trigger; a --before inside audit.retention needs --force', () => {
    const later = new Date(Date.now() + 5_000);
    const refused = run(['prune'], { before: '1s' }, later);
    expect(refused).toMatchObject({ code: 2, error: expect.stringContaining('is inside audit.retention') });
    expect(store.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(5);
    expect(run(['prune'], { before: '1s', force: 'true' }, later)).toMatchObject({ code: 0, log: expect.stringContaining('pruned 5 rows') });
    const rows = [...createAuditReader(store.sqlite).rows()];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'audit.pruned', actor: 'operator' });
    expect(JSON.parse(rows[0]!.data!)).toMatchObject({ through: 5, deleted: 5, trigger: 'manual' });
    expect(run(['verify'])).toMatchObject({ code: 0 });
  });

  it('verify --expect SEQ:HASH: a tail cut or a rewritten chain fails naming the row; a row a retention cut covers passes', () => {
    const head = /head: seq (\d+) hash ([0-9a-f]{64})/.exec(run(['verify']).log)!;
    const expectHead = `${head[1]}:${head[2]}`;
    expect(run(['verify'], { expect: expectHead })).toMatchObject({ code: 0, log: expect.stringContaining('expected row(s) 5 held') });
    expect(run(['verify'], { expect: 'five:abc' })).toMatchObject({ code: 2, error: expect.stringContaining('--expect must be SEQ:HASH') });
    // The last two rows cut: alone, the chain verifies; against the anchor it does not.
    sql('DELETE FROM audit_log WHERE seq >= 4');
    expect(run(['verify'])).toMatchObject({ code: 0 });
    expect(run(['verify'], { expect: expectHead })).toMatchObject({ code: 1, error: expect.stringContaining('row 5: expected row 5 is gone and no retention cut covers it') });
    // Row 3 rewritten with a recomputed hash (and nothing after it): the chain is consistent, the anchor is not.
    const row3 = [...createAuditReader(store.sqlite).rows()][2]!;
    const forged = { ...row3, actor: 'someone-else' };
    sql('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3', forged.actor, rowHash(forged));
    expect(run(['verify'])).toMatchObject({ code: 0 });
    expect(run(['verify'], { expect: `3:${row3.hash}` })).toMatchObject({ code: 1, error: expect.stringContaining('[anchor-mismatch]') });
  });

  it('verify --expect of a row that retention pruned since passes; an emptied log in a used database does not', () => {
    const row2 = [...createAuditReader(store.sqlite).rows()][1]!;
    const later = new Date(Date.now() + 2 * 86_400_000);
    expect(run(['prune'], {}, later)).toMatchObject({ code: 0 });
    expect(run(['verify'], { expect: `2:${row2.hash}` })).toMatchObject({ code: 0 });
    sql('DELETE FROM audit_log');
    expect(run(['verify'])).toMatchObject({ code: 1, error: expect.stringContaining('no rows, but this database has been used (users has 1 row(s))') });
  });

  it('table output escapes control characters, so an actor with a tab or newline cannot fake a row', () => {
    store.writes.write(() => createSqliteAuditLog(store).record({ type: 'signin.succeeded', actor: 'eve\n99\t2026-01-01T00:00:00Z\tscim.write\tbootstrap', userId: 'u\tx' }));
    const lines = run([], { type: 'signin.succeeded' }).log.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split('\t')).toHaveLength(7);
    expect(lines[1]).toContain('eve\\n99\\t2026-01-01T00:00:00Z\\tscim.write\\tbootstrap\tu\\tx');
  });

  it('TIME: a duration needs its unit (2026 is not 2026 seconds ago); a zone-less time is UTC like a date', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    expect(parseTime('2026', now)).toBeUndefined();
    expect(run([], { since: '2026' })).toMatchObject({ code: 2, error: expect.stringContaining('with its unit') });
    expect(parseTime('90m', now)?.toISOString()).toBe('2027-05-31T22:30:00.000Z');
    expect(parseTime('2026-12-01T10:00:00', now)?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(parseTime('2026-12-01', now)?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('bad options are usage errors (exit 2) that say which', () => {
    expect(run([], { since: 'yesterday' })).toMatchObject({ code: 2, error: expect.stringContaining('--since must be') });
    expect(run([], { format: 'xml' })).toMatchObject({ code: 2, error: expect.stringContaining('--format must be table or jsonl') });
    expect(run(['frobnicate'])).toMatchObject({ code: 2, error: expect.stringContaining('unknown subcommand') });
    expect(run(['prune'], { before: 'soon' })).toMatchObject({ code: 2 });
  });

  it('a database from before the audit log is refused, not migrated under a running server', async () => {
    sql("DELETE FROM __drizzle_migrations WHERE rowid = (SELECT max(rowid) FROM __drizzle_migrations)");
    const refused = await cli('audit');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('migration(s) pending');
  });
});
